// health: answers GET /health with a JSON status before any other script
// or the Caddyfile runs; every other request goes on down the chain.
//
//     zeroserve --plugin examples/health.c site.c   (or with a Caddyfile:
//     see examples/plugins.caddy)
#include <zeroserve.h>

static char path[64];

ZS_ENTRY zs_u64 health(void) {
  zs_s64 n = zs_req_path(path, sizeof(path));
  if (n != 7 || zs_strcmp(path, "/health") != 0)
    return 0;
  zs_s64 body = zs_json_parse(ZS_STR("{\"status\":\"ok\"}"));
  zs_s64 now = zs_json_new_object();
  zs_json_set_i64(now, (zs_s64)zs_now_ms());
  zs_json_set(body, ZS_STR("now_ms"), now);
  zs_meta_set(ZS_STR("zs.response.header.cache-control"), ZS_STR("no-store"));
  zs_json_respond(200, body);
  return 0;
}
