// route.c answers like the route-only sites of shared/bench/routing-bench,
// written as one zeroserve script: for Host hostNNNN.bench (any port),
//
//	/api/*                    -> "api N"
//	/items/<[a-z0-9-]+>       -> "item N"
//	/static/*                 -> "static N"
//	anything else             -> "root N"
//
// and an empty 200 for any other host (Caddy's answer when no site
// matches). It stands in for the compiled Caddyfile until the Caddy
// compiler serves the benchmark's Caddyfile itself:
//
//	routing-bench --candidate 'script={bin} --addr 127.0.0.1:{port} --threads {threads} bench/route.c'
#include "zeroserve.h"

static ZS_INLINE int has_prefix(const char *s, const char *p) {
  while (*p)
    if (*s++ != *p++)
      return 0;
  return 1;
}

ZS_ENTRY zs_u64 entry(void) {
  char host[64], path[128], body[32];
  zs_s64 n = zs_req_header(ZS_STR("host"), host, sizeof host);
  // "hostNNNN.bench", optionally ":port"
  if (n < 14 || n >= (zs_s64)sizeof host || !has_prefix(host, "host") ||
      !has_prefix(host + 8, ".bench") || (host[14] != 0 && host[14] != ':')) {
    zs_respond(200, "", 0);
    return 0;
  }
  unsigned int site = 0;
  for (int i = 4; i < 8; i++) {
    if (host[i] < '0' || host[i] > '9') {
      zs_respond(200, "", 0);
      return 0;
    }
    site = site * 10 + (host[i] - '0');
  }
  zs_s64 plen = zs_req_path(path, sizeof path);
  if (plen < 0 || plen >= (zs_s64)sizeof path)
    plen = 0, path[0] = 0;
  char *p;
  if (has_prefix(path, "/api/")) {
    p = zs_stpcpy(body, "api ");
  } else if (has_prefix(path, "/static/")) {
    p = zs_stpcpy(body, "static ");
  } else if (has_prefix(path, "/items/") && path[7] != 0) {
    int ok = 1;
    for (char *c = path + 7; *c; c++)
      if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
        ok = 0;
    p = zs_stpcpy(body, ok ? "item " : "root ");
  } else {
    p = zs_stpcpy(body, "root ");
  }
  int d = zs_utoa10(site, p, body + sizeof body - p);
  zs_respond(200, body, (p - body) + (d > 0 ? d : 0));
  return 0;
}
