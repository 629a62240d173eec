// rate-limit: a zeroserve_call function that limits requests per client IP
// (shared by every worker; a rejected request is not counted):
//
//     zeroserve_call rate-limit limit {
//         per_second 5
//         per_minute 100
//     }
//
// Over the limit, the route answers 429 with Retry-After; otherwise it
// goes on. per_second, per_minute and per_hour are decimal strings (absent
// or 0: no limit).
#include <zeroserve.h>

static char key[300], num[24];

static zs_s64 reply(const char *json) {
  return zs_json_parse(json, zs_strlen(json));
}

/* The decimal value of config[name], 0 when absent; -1 when not a number. */
static zs_s64 config_u64(zs_s64 cfg, const char *name) {
  zs_s64 h = zs_json_get(cfg, name, zs_strlen(name));
  if (h < 0)
    return 0;
  zs_s64 n = zs_json_read_string(h, num, sizeof(num));
  zs_object_free(h);
  if (n <= 0 || n > 18)
    return -1;
  zs_s64 v = 0;
  for (zs_s64 i = 0; i < n; i++) {
    if (num[i] < '0' || num[i] > '9')
      return -1;
    v = v * 10 + (num[i] - '0');
  }
  return v;
}

ZS_CALL_ENTRY(limit, input) {
  zs_s64 cfg = zs_json_get(input, ZS_STR("config"));
  zs_s64 sec = config_u64(cfg, "per_second");
  zs_s64 min = config_u64(cfg, "per_minute");
  zs_s64 hour = config_u64(cfg, "per_hour");
  if (cfg < 0 || sec < 0 || min < 0 || hour < 0)
    return reply("{\"action\":\"error\",\"status\":500,\"message\":\"rate-limit: per_second, per_minute and per_hour must be numbers\"}");
  /* The key is the client's IP: the peer "ip:port" without its port. */
  zs_strcpy(key, "rate-limit:");
  zs_s64 n = zs_req_peer(key + 11, sizeof(key) - 11);
  if (n <= 0 || (zs_u64)n >= sizeof(key) - 11)
    return reply("{\"action\":\"error\",\"status\":500,\"message\":\"rate-limit: no client address\"}");
  char *colon = zs_strrchr(key + 11, ':');
  if (colon)
    *colon = 0;
  switch (zs_rate_limit(key, zs_strlen(key), sec, min, hour)) {
  case ZS_RATE_ALLOWED:
    return reply("{\"action\":\"continue\"}");
  case ZS_RATE_SECOND:
    return reply("{\"action\":\"respond\",\"status\":429,\"body\":\"too many requests\\n\",\"headers\":{\"Retry-After\":[\"1\"]}}");
  case ZS_RATE_MINUTE:
    return reply("{\"action\":\"respond\",\"status\":429,\"body\":\"too many requests\\n\",\"headers\":{\"Retry-After\":[\"60\"]}}");
  case ZS_RATE_HOUR:
    return reply("{\"action\":\"respond\",\"status\":429,\"body\":\"too many requests\\n\",\"headers\":{\"Retry-After\":[\"3600\"]}}");
  }
  return reply("{\"action\":\"respond\",\"status\":503,\"body\":\"rate limiter full\\n\"}");
}
