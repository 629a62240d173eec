/* JSON handle API: the "op" query parameter picks a case. "read" and
 * "build" respond with JSON; the others must trap. */
#include <zeroserve.h>

static zs_s64 op_is(const char *op, const char *want) {
  return zs_strcmp(op, want) == 0;
}

static void put_i64(zs_s64 obj, const char *key, zs_s64 v) {
  zs_s64 h = zs_json_new_object();
  zs_json_set_i64(h, v);
  zs_json_set(obj, key, zs_strlen(key), h);
  zs_object_free(h);
}

static const char doc[] =
    "{\"a\":12345678901,\"b\":[true,\"x\\u00e9\",null,1.5],\"c\":{\"d\":\"hi\"}}";

/* read: every reader on success and -1 paths, recorded as numbers. */
static void read_case(void) {
  zs_s64 out = zs_json_new_object();
  zs_s64 root = zs_json_parse(doc, sizeof(doc) - 1);
  put_i64(out, "bad_parse", zs_json_parse(ZS_STR("{\"a\":")));
  put_i64(out, "root_type", zs_json_type(root));
  put_i64(out, "root_len", zs_json_len(root));
  zs_s64 a = zs_json_get(root, ZS_STR("a"));
  zs_s64 v = 0;
  put_i64(out, "a_ret", zs_json_read_i64(a, &v, 8));
  put_i64(out, "a", v);
  put_i64(out, "a_as_string", zs_json_read_string(a, 0, 0));
  put_i64(out, "missing", zs_json_get(root, ZS_STR("zz")));
  put_i64(out, "get_on_array", zs_json_get(zs_json_get(root, ZS_STR("b")), ZS_STR("a")));
  zs_s64 b = zs_json_get(root, ZS_STR("b"));
  put_i64(out, "b_len", zs_json_len(b));
  zs_u8 flag = 9;
  zs_s64 b0 = zs_json_array_get(b, 0);
  put_i64(out, "b0_ret", zs_json_read_bool(b0, &flag, 1));
  put_i64(out, "b0", flag);
  put_i64(out, "b0_as_i64", zs_json_read_i64(b0, &v, 8));
  char buf[4];
  zs_s64 b1 = zs_json_array_get(b, 1);
  put_i64(out, "b1_len", zs_json_len(b1));
  put_i64(out, "b1_read", zs_json_read_string(b1, buf, sizeof(buf)));
  put_i64(out, "b1_buf2", (zs_u8)buf[2]);
  put_i64(out, "b1_nul", buf[3]);
  put_i64(out, "b2_type", zs_json_type(zs_json_array_get(b, 2)));
  put_i64(out, "b3_as_i64", zs_json_read_i64(zs_json_array_get(b, 3), &v, 8));
  put_i64(out, "b_oob", zs_json_array_get(b, 4));
  put_i64(out, "b_len_of_number", zs_json_len(a));
  zs_json_respond(200, out);
}

/* build: create, set, push, remove, clone, replace in place, reset. */
static void build_case(void) {
  zs_s64 o = zs_json_new_object();
  zs_s64 arr = zs_json_new_array();
  zs_s64 s = zs_json_new_object();
  zs_json_set_string(s, ZS_STR("q\"\n"));
  put_i64(o, "push1", zs_json_array_push(arr, s));
  zs_json_set_bool(s, 1);
  put_i64(o, "push2", zs_json_array_push(arr, s));
  zs_json_set_null(s);
  put_i64(o, "aset", zs_json_array_set(arr, 0, s));
  put_i64(o, "aset_oob", zs_json_array_set(arr, 5, s));
  put_i64(o, "push_to_object", zs_json_array_push(o, s));
  put_i64(o, "set_on_array", zs_json_set(arr, ZS_STR("k"), s));
  zs_json_set(o, ZS_STR("arr"), arr);
  zs_json_set(o, ZS_STR("gone"), s);
  put_i64(o, "remove", zs_json_remove(o, ZS_STR("gone")));
  put_i64(o, "remove_again", zs_json_remove(o, ZS_STR("gone")));
  /* The copy set into o is independent of arr. */
  zs_json_array_push(arr, s);
  zs_s64 c = zs_json_clone(o);
  zs_json_set_i64(c, 7); /* only the clone changes */
  put_i64(o, "clone_type", zs_json_type(c));
  /* A cursor into o's tree: changing through it makes o stale, reset
   * revalidates it. */
  zs_s64 cur = zs_json_get(o, ZS_STR("arr"));
  zs_json_set_string(cur, ZS_STR("replaced"));
  zs_json_reset(o);
  put_i64(o, "after_reset", zs_json_len(o));
  zs_json_respond(201, o);
}

/* Cases that must trap. */
static void trap_case(const char *op) {
  zs_s64 root = zs_json_parse(doc, sizeof(doc) - 1);
  zs_s64 v;
  zs_u8 b;
  if (op_is(op, "stale")) {
    zs_s64 c = zs_json_get(root, ZS_STR("c"));
    zs_json_set_null(c);
    zs_json_len(root);
  } else if (op_is(op, "free_unknown")) {
    zs_object_free(root + 1);
  } else if (op_is(op, "free_twice")) {
    zs_object_free(root);
    zs_object_free(root);
  } else if (op_is(op, "i64_len")) {
    zs_json_read_i64(zs_json_get(root, ZS_STR("a")), &v, 4);
  } else if (op_is(op, "bool_len")) {
    zs_json_read_bool(root, &b, 8);
  } else if (op_is(op, "handles")) {
    for (int i = 0; i < 40; i++)
      zs_json_new_array();
  } else if (op_is(op, "budget")) {
    /* Doubling an array by pushing it into itself: 2^20 nodes. */
    zs_s64 a = zs_json_new_array();
    for (int i = 0; i < 20; i++)
      zs_json_array_push(a, a);
  } else if (op_is(op, "respond_twice")) {
    zs_json_respond(200, root);
    zs_json_respond(200, root);
  } else if (op_is(op, "bad_status")) {
    zs_json_respond(1000, root);
  } else if (op_is(op, "bad_utf8")) {
    zs_json_set_string(root, ZS_STR("\xff"));
  }
}

ZS_ENTRY zs_u64 entry(void) {
  char op[32];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  if (op_is(op, "read"))
    read_case();
  else if (op_is(op, "build"))
    build_case();
  else
    trap_case(op);
  return 0;
}
