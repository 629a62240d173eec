/* The request-edit, matching, body, connection and version helpers.
 * "op=<name>" picks the helper; X-Arg is its JSON (or text) argument and
 * X-Name a parameter name. Ops that return a number respond with it; the
 * edits respond with the result and leave the request changed. */
#include <zeroserve.h>

static zs_u64 number(zs_s64 r) {
  char out[24];
  int m = 0;
  if (r < 0) {
    out[m++] = '-';
    r = -r;
  }
  m += zs_utoa10((unsigned)r, out + m, sizeof(out) - m);
  return zs_respond(200, out, m);
}

static zs_u64 text(zs_s64 n, char *buf, zs_u64 size) {
  if (n >= (zs_s64)size)
    return zs_respond(200, ZS_STR("too long"));
  return zs_respond(200, buf, n);
}

ZS_ENTRY zs_u64 entry(void) {
  char op[16], name[32], buf[128], arg[200];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  zs_s64 arglen = zs_req_header(ZS_STR("X-Arg"), arg, sizeof(arg));
  if (arglen >= (zs_s64)sizeof(arg))
    return 0;
  zs_s64 nlen = zs_req_header(ZS_STR("X-Name"), name, sizeof(name));
  if (nlen >= (zs_s64)sizeof(name))
    return 0;
  if (zs_strcmp(op, "replace") == 0)
    return number(zs_req_replace_header(arg, arglen));
  if (zs_strcmp(op, "rewrite_uri") == 0)
    return number(zs_req_rewrite_uri(arg, arglen));
  if (zs_strcmp(op, "rewrite_query") == 0)
    return number(zs_req_rewrite_query(arg, arglen));
  if (zs_strcmp(op, "npath") == 0)
    return text(zs_req_normalized_path(buf, sizeof(buf)), buf, sizeof(buf));
  if (zs_strcmp(op, "qpm") == 0)
    return number(zs_req_query_param_matches(name, nlen, arg, arglen));
  if (zs_strcmp(op, "ipm") == 0)
    return number(zs_req_remote_ip_matches(arg, arglen));
  if (zs_strcmp(op, "tlshc") == 0)
    return number(zs_req_tls_handshake_complete());
  if (zs_strcmp(op, "version") == 0)
    return text(zs_version(buf, sizeof(buf)), buf, sizeof(buf));
  if (zs_strcmp(op, "body") == 0) {
    if (arglen > 0) {
      zs_s64 lim = 0;
      for (int i = 0; i < arglen && i < 12; i++)
        lim = lim * 10 + (arg[i] - '0');
      zs_s64 over = zs_req_body_limit(lim);
      zs_meta_set(ZS_STR("over"), over ? "1" : "0", 1);
    }
    zs_s64 h = zs_req_body_json();
    if (h < 0)
      return number(h);
    return zs_json_respond(200, h);
  }
  if (zs_strcmp(op, "conn") == 0)
    return zs_json_respond(200, zs_connection_info());
  if (zs_strcmp(op, "hook") == 0) {
    zs_res_hook(ZS_STR(""), ZS_STR("res_replace"), zs_json_new_object());
    return zs_respond(200, ZS_STR("ok"));
  }
  if (zs_strcmp(op, "res_replace") == 0)
    return number(zs_res_replace_header(arg, arglen)); /* traps: not a hook */
  return 0;
}

/* res_replace applies the request's X-Arg to the response header. */
ZS_CALL_ENTRY(res_replace, input) {
  char a[256];
  zs_s64 n = zs_req_header(ZS_STR("X-Arg"), a, sizeof(a));
  if (n >= (zs_s64)sizeof(a))
    return 0;
  zs_res_replace_header(a, n);
  return 0;
}
