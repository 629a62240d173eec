// Answers requests that carry "x-name: <name>" with "hello <name>" and an
// x-hello response header; logs the method and path.
#include "zeroserve.h"

ZS_ENTRY zs_u64 entry(void) {
  char name[64], line[160], body[96];
  zs_s64 n = zs_req_header(ZS_STR("x-name"), name, sizeof name);
  char method[16], path[96];
  zs_req_method(method, sizeof method);
  zs_req_path(path, sizeof path);
  char *p = zs_stpcpy(line, method);
  *p++ = ' ';
  p = zs_stpcpy(p, path);
  *p++ = '\n';
  zs_log(line, p - line);
  if (n <= 0 || n >= (zs_s64)sizeof name)
    return 0;
  zs_meta_set(ZS_STR("zs.response.header.x-hello"), name, n);
  p = zs_stpcpy(body, "hello ");
  p = zs_stpcpy(p, name);
  zs_respond(200, body, p - body);
  return 0;
}
