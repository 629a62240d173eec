/* Crypto and encoding helpers: "op=all" responds with a JSON object of
 * results; the other ops must trap. */
#include <zeroserve.h>

static void put(zs_s64 obj, const char *key, const char *s, zs_u64 n) {
  zs_s64 h = zs_json_new_object();
  zs_json_set_string(h, s, n);
  zs_json_set(obj, key, zs_strlen(key), h);
  zs_object_free(h);
}

static void put_i64(zs_s64 obj, const char *key, zs_s64 v) {
  zs_s64 h = zs_json_new_object();
  zs_json_set_i64(h, v);
  zs_json_set(obj, key, zs_strlen(key), h);
  zs_object_free(h);
}

static void put_hex(zs_s64 obj, const char *key, const zs_u8 *b, zs_u64 n) {
  char hex[80];
  zs_s64 m = zs_hex_encode(b, n, hex, sizeof(hex), ZS_HEX_LOWER);
  put(obj, key, hex, m);
}

static void all(void) {
  zs_s64 o = zs_json_new_object();
  zs_u8 sum[32];
  put_i64(o, "sha_ret", zs_sha256(ZS_STR("abc"), sum, 32));
  put_hex(o, "sha", sum, 32);
  put_i64(o, "hmac_ret", zs_hmac_sha256(ZS_STR("key"), ZS_STR("The quick brown fox jumps over the lazy dog"), sum));
  put_hex(o, "hmac", sum, 32);
  const char data[] = "\xfb\xff\xbf?";
  char b64[16];
  for (int e = 0; e < 4; e++) {
    char key[] = "b64_0";
    key[4] = (char)('0' + e);
    zs_s64 n = zs_base64_encode(data, 4, b64, sizeof(b64), e);
    put(o, key, b64, n);
    key[0] = 'd';
    zs_s64 m = zs_base64_decode_in_place(b64, n, e);
    put_i64(o, key, m == 4 && zs_memcmp(b64, data, 4) == 0 ? m : -100 - m);
  }
  put_i64(o, "b64_need", zs_base64_encode(data, 4, 0, 0, 0));
  char bad[] = "a$==";
  put_i64(o, "b64_bad", zs_base64_decode_in_place(bad, 4, 0));
  put_i64(o, "b64_empty", zs_base64_decode_in_place(bad, 0, 0));
  char hex[9];
  put_i64(o, "hex_need", zs_hex_encode(data, 4, 0, 0, 0));
  zs_s64 n = zs_hex_encode(data, 4, hex, 8, ZS_HEX_UPPER);
  put(o, "hex_upper", hex, n);
  put_i64(o, "hex_dec", zs_hex_decode_in_place(hex, 8));
  put_i64(o, "hex_dec_ok", zs_memcmp(hex, data, 4) == 0);
  char odd[] = "abc";
  put_i64(o, "hex_odd", zs_hex_decode_in_place(odd, 3));
  char nonhex[] = "zz";
  put_i64(o, "hex_bad", zs_hex_decode_in_place(nonhex, 2));
  zs_u8 rnd[16];
  zs_memset(rnd, 0, sizeof(rnd));
  put_i64(o, "rand_ret", zs_getrandom(rnd, sizeof(rnd)));
  put_hex(o, "rand", rnd, sizeof(rnd));
  put_i64(o, "rand_zero", zs_getrandom(0, 0));
  zs_json_respond(200, o);
}

ZS_ENTRY zs_u64 entry(void) {
  char op[16];
  zs_u8 out[64];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  if (zs_strcmp(op, "all") == 0)
    all();
  else if (zs_strcmp(op, "sha_len") == 0)
    zs_sha256(ZS_STR("abc"), out, 31);
  else if (zs_strcmp(op, "b64_enc") == 0)
    zs_base64_encode(ZS_STR("abc"), (char *)out, sizeof(out), 4);
  else if (zs_strcmp(op, "b64_short") == 0)
    zs_base64_encode(ZS_STR("abc"), (char *)out, 3, 0);
  else if (zs_strcmp(op, "hex_case") == 0)
    zs_hex_encode(ZS_STR("abc"), (char *)out, sizeof(out), 2);
  else if (zs_strcmp(op, "hex_short") == 0)
    zs_hex_encode(ZS_STR("abc"), (char *)out, 5, 0);
  else if (zs_strcmp(op, "hmac_ro") == 0)
    zs_hmac_sha256(ZS_STR("k"), ZS_STR("m"), (void *)"read-only string that is long enough");
  return 0;
}
