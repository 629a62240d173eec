/* zs_call callees for call_main. */
#include <zeroserve.h>

/* down: {"n":n} -> {"frames":n,"meta":...}, nesting n calls in all. */
ZS_CALL_ENTRY(down, input) {
  zs_s64 nh = zs_json_get(input, ZS_STR("n"));
  zs_s64 n = 0;
  if (zs_json_read_i64(nh, &n, 8) != 8)
    return -1;
  zs_meta_set(ZS_STR("callee.saw"), ZS_STR("yes"));
  zs_req_set_header(ZS_STR("X-Callee"), ZS_STR("1"));
  if (n <= 1) {
    zs_s64 out = zs_json_new_object();
    zs_s64 one = zs_json_new_object();
    zs_json_set_i64(one, 1);
    zs_json_set(out, ZS_STR("frames"), one);
    zs_json_set(input, ZS_STR("changed"), one); /* the caller's copy stays */
    return out;
  }
  zs_json_set_i64(nh, n - 1);
  zs_json_reset(input);
  zs_s64 r = zs_call(ZS_STR("call_rec"), ZS_STR("down"), input);
  if (r < 0)
    return -1;
  zs_s64 f = zs_json_get(r, ZS_STR("frames"));
  zs_s64 got = 0;
  zs_json_read_i64(f, &got, 8);
  zs_json_set_i64(f, got + 1);
  zs_json_reset(r);
  return r;
}

ZS_CALL_ENTRY(trap, input) {
  zs_object_free(input + 20);
  return input;
}

ZS_CALL_ENTRY(negative, input) { return -5; }

ZS_CALL_ENTRY(nohandle, input) { return input + 9; }

/* responds: its response is its own, and thrown away. */
ZS_CALL_ENTRY(responds, input) {
  zs_respond(418, ZS_STR("callee"));
  return input;
}
