/* zs_env_get and zs_rate_limit. "op=env" responds "<allowed>|<secret>|<len>";
 * "op=rate" responds 200 with the zs_rate_limit result for the X-Key
 * header (2 per second, 3 per minute). */
#include <zeroserve.h>

ZS_ENTRY zs_u64 entry(void) {
  char op[8], buf[64];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  if (zs_strcmp(op, "env") == 0) {
    char *p = buf;
    zs_s64 n = zs_env_get(ZS_STR(" ZS_J1_ALLOWED "), p, 20);
    p += n < 20 ? n : 19;
    *p++ = '|';
    n = zs_env_get(ZS_STR("ZS_J1_SECRET"), p, 20);
    p += n < 20 ? n : 19;
    *p++ = '|';
    n = zs_env_get(ZS_STR("ZS_J1_ALLOWED"), 0, 0);
    p += zs_utoa10((unsigned)n, p, 8);
    return zs_respond(200, buf, p - buf);
  }
  if (zs_strcmp(op, "rate") == 0) {
    zs_s64 n = zs_req_header(ZS_STR("X-Key"), buf, sizeof(buf));
    if (n >= (zs_s64)sizeof(buf))
      return 0;
    zs_s64 r = zs_rate_limit(buf, n, 2, 3, 0);
    char out[4];
    int m = r < 0 ? (out[0] = '-', out[1] = '1', 2) : zs_utoa10((unsigned)r, out, sizeof(out));
    return zs_respond(200, out, m);
  }
  return 0;
}
