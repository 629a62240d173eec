// header-rewrite: changes every request before the Caddyfile sees it and
// adds a header to every response:
//   - drops the client's X-Internal-* headers (they are for upstreams),
//   - sets X-Example and X-Original-Path on the request,
//   - adds X-Served-By: zeroserve to the response, whatever produces it.
//
//     zeroserve --plugin examples/header-rewrite.c site.c   (or with a
//     Caddyfile: see examples/plugins.caddy)
#include <zeroserve.h>

static char path[1024];

ZS_ENTRY zs_u64 rewrite_headers(void) {
  zs_req_delete_header(ZS_STR("X-Internal-*"));
  zs_req_set_header(ZS_STR("X-Example"), ZS_STR("rewritten"));
  zs_s64 n = zs_req_path(path, sizeof(path));
  if (n > 0 && (zs_u64)n < sizeof(path))
    zs_req_set_header(ZS_STR("X-Original-Path"), path, n);
  zs_meta_set(ZS_STR("zs.response.header.x-served-by"), ZS_STR("zeroserve"));
  return 0;
}
