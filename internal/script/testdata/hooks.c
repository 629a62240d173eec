/* Response hooks: "op=reg" registers hooks and responds 200; the other
 * ops must trap. */
#include <zeroserve.h>

static zs_s64 tagged(const char *v) {
  zs_s64 in = zs_json_new_object();
  zs_s64 s = zs_json_new_object();
  zs_json_set_string(s, v, zs_strlen(v));
  zs_json_set(in, ZS_STR("v"), s);
  return in;
}

ZS_ENTRY zs_u64 entry(void) {
  char op[16];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  if (zs_strcmp(op, "reg") == 0 || zs_strcmp(op, "clear") == 0) {
    zs_res_hook(ZS_STR(""), ZS_STR("tag"), tagged("a"));
    zs_res_hook(ZS_STR("nope"), ZS_STR("tag"), tagged("x"));
    zs_res_hook(ZS_STR("hooks"), ZS_STR("trapper"), tagged("x"));
    zs_res_hook(ZS_STR("hooks.o"), ZS_STR("tag"), tagged("b"));
    zs_res_hook(ZS_STR(""), ZS_STR("aborter"), tagged("x"));
    zs_res_hook(ZS_STR(""), ZS_STR("cont"), tagged("x"));
    if (op[0] == 'c')
      zs_res_hooks_clear();
    return zs_respond(200, ZS_STR("ok"));
  }
  if (zs_strcmp(op, "emptyfunc") == 0)
    zs_res_hook(ZS_STR(""), ZS_STR(""), tagged("x"));
  else if (zs_strcmp(op, "status") == 0)
    zs_res_status();
  else if (zs_strcmp(op, "setstatus") == 0)
    zs_res_set_status(200);
  else if (zs_strcmp(op, "header") == 0)
    zs_res_header(ZS_STR("a"), op, sizeof(op));
  else if (zs_strcmp(op, "cont") == 0)
    zs_res_continue_request();
  return 0;
}

/* tag: status + 1, appends input.v to meta hooks.seen, copies the
 * content-type into meta hooks.ct; the hook it registers is dropped. */
ZS_CALL_ENTRY(tag, input) {
  char seen[16], v[4];
  zs_s64 n = zs_meta_get(ZS_STR("hooks.seen"), seen, 8);
  zs_json_read_string(zs_json_get(input, ZS_STR("v")), v, sizeof(v));
  seen[n] = v[0];
  zs_meta_set(ZS_STR("hooks.seen"), seen, n + 1);
  zs_res_set_status(zs_res_status() + 1);
  char ct[32];
  n = zs_res_header(ZS_STR(" Content-Type "), ct, sizeof(ct));
  zs_meta_set(ZS_STR("hooks.ct"), ct, n < 32 ? n : 31);
  zs_res_hook(ZS_STR(""), ZS_STR("tag"), input);
  return input;
}

/* trapper changes the status, then traps: the change is undone. */
ZS_CALL_ENTRY(trapper, input) {
  zs_res_set_status(555);
  zs_res_set_status(1000);
  return input;
}

ZS_CALL_ENTRY(aborter, input) {
  zs_res_set_status(556);
  zs_abort();
  return input;
}

ZS_CALL_ENTRY(cont, input) {
  zs_res_continue_request();
  return input;
}
