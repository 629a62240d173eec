// Rewrites the request for the next script: a new URI and method, a header
// set, a header deleted by pattern, and metadata.
#include "zeroserve.h"

ZS_ENTRY zs_u64 entry(void) {
  zs_req_set_uri(ZS_STR("/rewritten/path?a=1&b=two%20words"));
  zs_req_set_method(ZS_STR("PUT"));
  zs_req_set_header(ZS_STR("X-Added"), ZS_STR("yes"));
  zs_req_append_header(ZS_STR("X-Added"), ZS_STR("again"));
  zs_req_delete_header(ZS_STR("x-secret*"));
  zs_meta_set(ZS_STR("stage"), ZS_STR("rewrite"));
  return 0;
}
