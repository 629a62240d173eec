// Responds with what it sees: method, URI, a query parameter, headers and
// metadata set by an earlier script, one per line.
#include "zeroserve.h"

static ZS_INLINE char *put(char *p, const char *label, char *val, zs_s64 n,
                           zs_s64 cap) {
  p = zs_stpcpy(p, label);
  if (n >= 0 && n < cap) {
    p = zs_stpcpy(p, val);
  } else {
    p = zs_stpcpy(p, "<too long>");
  }
  *p++ = '\n';
  return p;
}

ZS_ENTRY zs_u64 entry(void) {
  char out[320], v[64];
  char *p = out;
  p = put(p, "method=", v, zs_req_method(v, sizeof v), sizeof v);
  p = put(p, "uri=", v, zs_req_uri(v, sizeof v), sizeof v);
  p = put(p, "b=", v, zs_req_query_param(ZS_STR("b"), v, sizeof v), sizeof v);
  p = put(p, "x-added=", v, zs_req_header(ZS_STR("x-added"), v, sizeof v), sizeof v);
  p = put(p, "x-secret-token=", v, zs_req_header(ZS_STR("x-secret-token"), v, sizeof v), sizeof v);
  p = put(p, "stage=", v, zs_meta_get(ZS_STR("stage"), v, sizeof v), sizeof v);
  zs_respond(200, out, p - out);
  return 0;
}
