// proxy.c forwards requests for hostNNNN.bench to the upstream in the
// BACKEND environment variable (allow it with --script-env BACKEND) and
// answers other hosts with an empty 200, as Caddy does when no site
// matches: the harness's proxy sites
// as one zeroserve script, until the compiled Caddyfile's reverse_proxy is
// served:
//
//	routing-bench --proxy --zeroserve-cmd 'env BACKEND=http://127.0.0.1:{backend_port}
//	    {bin} --script-env BACKEND --addr 127.0.0.1:{port} ... bench/proxy.c'
#include "zeroserve.h"

static ZS_INLINE int has_prefix(const char *s, const char *p) {
  while (*p)
    if (*s++ != *p++)
      return 0;
  return 1;
}

ZS_ENTRY zs_u64 entry(void) {
  char host[64], url[128];
  zs_s64 h = zs_req_header(ZS_STR("host"), host, sizeof host);
  if (h < 14 || h >= (zs_s64)sizeof host || !has_prefix(host, "host") ||
      !has_prefix(host + 8, ".bench")) {
    zs_respond(200, "", 0);
    return 0;
  }
  zs_s64 n = zs_env_get(ZS_STR("BACKEND"), url, sizeof url);
  if (n <= 0 || n >= (zs_s64)sizeof url) {
    zs_respond(500, ZS_STR("BACKEND is not set or not allowed (--script-env BACKEND)\n"));
    return 0;
  }
  zs_reverse_proxy(url, n);
  return 0;
}
