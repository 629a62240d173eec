/* OIDC login: the configuration is the JSON of the ZS_OIDC_CONFIG
 * environment variable (allowed with --script-env). /login?rt=... begins a
 * login, /callback ends it, /me answers the session's claims (401 without
 * one), /logout clears it (?to=... redirects). A helper's -1 answers 418
 * with "-1". */
#include <zeroserve.h>

static zs_u64 minus_one(void) { return zs_respond(418, ZS_STR("-1")); }

static __attribute__((noinline)) zs_s64 load_config(void) {
  char json[480];
  zs_s64 n = zs_env_get(ZS_STR("ZS_OIDC_CONFIG"), json, sizeof(json));
  if (n >= (zs_s64)sizeof(json))
    return -1;
  return zs_json_parse(json, n);
}

ZS_ENTRY zs_u64 entry(void) {
  char path[32], arg[160];
  zs_s64 cfg = load_config();
  if (cfg < 0)
    return zs_respond(500, ZS_STR("no config"));
  if (zs_req_path(path, sizeof(path)) >= (zs_s64)sizeof(path))
    return 0;
  if (zs_strcmp(path, "/login") == 0) {
    zs_s64 m = zs_req_query_param(ZS_STR("rt"), arg, sizeof(arg));
    if (m >= (zs_s64)sizeof(arg))
      return 0;
    return zs_oidc_begin_login(cfg, arg, m) < 0 ? minus_one() : 0;
  }
  if (zs_strcmp(path, "/callback") == 0)
    return zs_oidc_handle_callback(cfg) < 0 ? minus_one() : 0;
  if (zs_strcmp(path, "/me") == 0) {
    zs_s64 h = zs_oidc_session_verify(cfg);
    if (h < 0)
      return minus_one();
    if (h == 0)
      return zs_respond(401, ZS_STR("no session"));
    return zs_json_respond(200, h);
  }
  if (zs_strcmp(path, "/logout") == 0) {
    zs_s64 m = zs_req_query_param(ZS_STR("to"), arg, sizeof(arg));
    if (m >= (zs_s64)sizeof(arg))
      return 0;
    return zs_oidc_logout(cfg, arg, m) < 0 ? minus_one() : 0;
  }
  if (zs_strcmp(path, "/twice") == 0) {
    zs_respond(200, ZS_STR("first"));
    zs_oidc_logout(cfg, ZS_STR("")); /* traps: already answered */
  }
  return 0;
}
