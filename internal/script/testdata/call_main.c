/* zs_call caller: "op" picks the target, "n" the nesting asked of
 * call_rec's "down". Responds 200 with the result, or 508 when zs_call
 * returned -1. */
#include <zeroserve.h>

ZS_ENTRY zs_u64 entry(void) {
  char op[16], num[8];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  zs_req_query_param(ZS_STR("n"), num, sizeof(num));
  zs_s64 n = 0;
  for (int i = 0; i < 7 && num[i]; i++)
    n = n * 10 + (num[i] - '0');
  zs_s64 in = zs_json_new_object();
  zs_s64 v = zs_json_new_object();
  zs_json_set_i64(v, n);
  zs_json_set(in, ZS_STR("n"), v);
  zs_s64 r = -1;
  if (zs_strcmp(op, "down") == 0)
    r = zs_call(ZS_STR("call_rec"), ZS_STR("down"), in);
  else if (zs_strcmp(op, "dot_o") == 0)
    r = zs_call(ZS_STR("call_rec.o"), ZS_STR("down"), in);
  else if (zs_strcmp(op, "noscript") == 0)
    r = zs_call(ZS_STR("nope"), ZS_STR("down"), in);
  else if (zs_strcmp(op, "nofunc") == 0)
    r = zs_call(ZS_STR("call_rec"), ZS_STR("nope"), in);
  else if (zs_strcmp(op, "trap") == 0 || zs_strcmp(op, "negative") == 0 ||
           zs_strcmp(op, "nohandle") == 0 || zs_strcmp(op, "responds") == 0)
    r = zs_call(ZS_STR("call_rec"), op, zs_strlen(op), in);
  else if (zs_strcmp(op, "badinput") == 0)
    r = zs_call(ZS_STR("call_rec"), ZS_STR("down"), 17); /* traps */
  if (r < 0)
    return zs_respond(508, ZS_STR("call failed"));
  if (zs_response_pending())
    return zs_respond(500, ZS_STR("the callee's response leaked"));
  /* The input the callee changed was a copy. */
  if (zs_json_len(in) != 1)
    return zs_respond(500, ZS_STR("input changed"));
  return zs_json_respond(200, r);
}
