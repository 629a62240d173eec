// Forwards every request to the upstream named by the X-Upstream header,
// after adding a header and rewriting the path; answers 400 without it.
#include "zeroserve.h"

ZS_ENTRY zs_u64 entry(void) {
  char up[128];
  zs_s64 n = zs_req_header(ZS_STR("x-upstream"), up, sizeof up);
  if (n <= 0 || n >= (zs_s64)sizeof up) {
    zs_respond(400, ZS_STR("no upstream\n"));
    return 0;
  }
  zs_req_set_header(ZS_STR("X-Via-Script"), ZS_STR("yes"));
  zs_req_delete_header(ZS_STR("x-upstream"));
  zs_req_set_uri(ZS_STR("/rewritten?from=script"));
  zs_reverse_proxy(up, n);
  return 0;
}
