// jwt-hs256: a zeroserve_call function that lets a request through only
// with a valid HS256 JSON Web Token, and passes its subject on:
//
//     zeroserve_call jwt-hs256 verify {
//         secret "change-me"
//     }
//
// The token comes from "Authorization: Bearer <token>". It must have the
// header alg HS256 (alg "none" and the others are refused), a signature
// that is HMAC-SHA256(secret, header.payload), and, when it has one, an
// "exp" (seconds since 1970) in the future. Then the request's X-User is
// the payload's "sub" (a client's own X-User is always removed) and the
// route goes on; otherwise it answers 401 with WWW-Authenticate: Bearer.
#include <zeroserve.h>

static char secret[257], auth[4096], seg[4096], sig[64], sub[256];
static zs_u8 mac[32];

static zs_s64 reply(const char *json) {
  return zs_json_parse(json, zs_strlen(json));
}

#define DENY(why)                                                              \
  reply("{\"action\":\"respond\",\"status\":401,\"body\":\"" why "\\n\","     \
        "\"headers\":{\"WWW-Authenticate\":[\"Bearer\"]}}")

/* Decodes base64url segment [p, p+n) into seg and parses it as JSON; a
 * handle or -1. */
static zs_s64 decode_json(const char *p, zs_u64 n) {
  if (n == 0 || n >= sizeof(seg))
    return -1;
  for (zs_u64 i = 0; i < n; i++)
    seg[i] = p[i];
  zs_s64 m = zs_base64_decode_in_place(seg, n, ZS_BASE64_URL_NO_PAD);
  if (m <= 0)
    return -1;
  return zs_json_parse(seg, m);
}

/* The index of the next '.' in auth from i, or -1. */
static zs_s64 next_dot(zs_s64 i, zs_s64 n) {
  for (; i < n; i++)
    if (auth[i] == '.')
      return i;
  return -1;
}

ZS_CALL_ENTRY(verify, input) {
  zs_req_set_header(ZS_STR("X-User"), "", 0);
  zs_s64 cfg = zs_json_get(input, ZS_STR("config"));
  zs_s64 h = cfg < 0 ? -1 : zs_json_get(cfg, ZS_STR("secret"));
  zs_s64 klen = h < 0 ? -1 : zs_json_read_string(h, secret, sizeof(secret));
  if (klen <= 0 || (zs_u64)klen >= sizeof(secret))
    return reply("{\"action\":\"error\",\"status\":500,\"message\":\"jwt-hs256: needs a secret of 1 to 256 bytes\"}");

  zs_s64 n = zs_req_header(ZS_STR("authorization"), auth, sizeof(auth));
  if (n <= 7 || (zs_u64)n >= sizeof(auth) || zs_strncmp(auth, "Bearer ", 7) != 0)
    return DENY("missing bearer token");
  zs_s64 start = 7;
  zs_s64 dot1 = next_dot(start, n);
  zs_s64 dot2 = dot1 < 0 ? -1 : next_dot(dot1 + 1, n);
  if (dot2 < 0 || next_dot(dot2 + 1, n) >= 0)
    return DENY("malformed token");

  /* The signature first: nothing of an unsigned token is trusted. */
  zs_hmac_sha256(secret, klen, auth + start, dot2 - start, mac);
  zs_s64 sl = zs_base64_encode(mac, 32, sig, sizeof(sig), ZS_BASE64_URL_NO_PAD);
  zs_s64 given = n - dot2 - 1;
  if (sl != given)
    return DENY("bad signature");
  zs_u8 diff = 0;
  for (zs_s64 i = 0; i < sl && i < (zs_s64)sizeof(sig); i++)
    diff |= (zs_u8)(sig[i] ^ auth[dot2 + 1 + i]);
  if (diff)
    return DENY("bad signature");

  zs_s64 header = decode_json(auth + start, dot1 - start);
  zs_s64 alg = header < 0 ? -1 : zs_json_get(header, ZS_STR("alg"));
  char name[8];
  zs_s64 an = alg < 0 ? -1 : zs_json_read_string(alg, name, sizeof(name));
  if (an != 5 || zs_strcmp(name, "HS256") != 0)
    return DENY("unsupported alg");

  zs_s64 payload = decode_json(auth + dot1 + 1, dot2 - dot1 - 1);
  if (payload < 0 || zs_json_type(payload) != ZS_JSON_OBJECT)
    return DENY("malformed payload");
  zs_s64 exp = zs_json_get(payload, ZS_STR("exp"));
  if (exp >= 0) {
    zs_s64 when = 0;
    if (zs_json_read_i64(exp, &when, 8) != 8 || (zs_u64)when <= zs_now_ms() / 1000)
      return DENY("token expired");
  }
  zs_s64 s = zs_json_get(payload, ZS_STR("sub"));
  if (s >= 0) {
    zs_s64 m = zs_json_read_string(s, sub, sizeof(sub));
    if (m > 0 && (zs_u64)m < sizeof(sub))
      zs_req_set_header(ZS_STR("X-User"), sub, m);
  }
  return reply("{\"action\":\"continue\"}");
}
