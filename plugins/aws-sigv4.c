// aws-sigv4: signs the request with AWS Signature Version 4 before a Caddy
// route proxies it to S3 or another AWS-compatible API.
//
//     zeroserve --plugin aws-sigv4.c --caddy Caddyfile
//
//     example.com {
//       route /s3/* {
//         uri strip_prefix /s3
//         rewrite * /my-bucket{uri}
//         zeroserve_call aws-sigv4 sign_request {
//           access_key_id "minioadmin"
//           secret_access_key "minioadmin"
//         }
//         reverse_proxy http://127.0.0.1:9000
//       }
//     }
//
// Configuration (strings): access_key_id and secret_access_key (required),
// region (default us-east-1), service (default s3), host (the Host the
// upstream sees and the signature covers; default: upstream_host if given,
// else the request's Host as it is when the call runs, which is what
// reverse_proxy forwards), payload_hash (or its older name body_hash; the
// hex SHA-256 of the body, default UNSIGNED-PAYLOAD), session_token
// (temporary credentials), signed_headers (space-separated names of
// further request headers to sign when present, e.g. "content-type
// x-amz-meta-owner").
//
// It sets Host (when configured), X-Amz-Date, X-Amz-Content-Sha256,
// X-Amz-Security-Token (with a session token; a client's is removed
// otherwise) and Authorization on the live request, and returns
// {"action":"continue"}; on failure {"action":"error","status":500,
// "message":"aws-sigv4: ..."}.
//
// Differences from the original io.su3.aws-sigv4 plugin, whose bugs this
// fixes: body_hash no longer gets wiped when payload_hash is absent (both
// work; payload_hash wins); session tokens up to 4 KiB (STS tokens exceed
// the original's 256 bytes); URIs up to 8 KiB (a 1024-byte S3 key
// percent-encoded); a client-sent X-Amz-Security-Token is not forwarded
// unsigned; the default Host is the one the upstream receives rather than
// a fixed 127.0.0.1:9000; signed_headers is new. Canonicalisation (empty
// query values as "name=", sorted signed headers, '+' as a space,
// re-encoded escapes) is done by zs_aws_v4_authorization_header.
//
// Buffers are globals: clang 14's BPF backend allows 512 bytes of stack.
#include <zeroserve.h>

static char access_key[257], secret_key[257], region[65], service[65];
static char host[257], payload_hash[129], token[4097], extra[1025];
static char method[65], path[8193], uri[8193], date[17], auth[1025];
static char value[4097];
static zs_u64 params[18];

static zs_s64 reply(const char *json) {
  return zs_json_parse(json, zs_strlen(json));
}

#define FAIL(msg)                                                              \
  reply("{\"action\":\"error\",\"status\":500,\"message\":\"aws-sigv4: " msg  \
        "\"}")

/* Reads config[key] into out (size bytes). 1 when set, 0 when absent or
 * not a string, -1 when too long. */
static int config_string(zs_s64 cfg, const char *key, char *out, zs_u64 size) {
  out[0] = 0;
  zs_s64 h = zs_json_get(cfg, key, zs_strlen(key));
  if (h < 0)
    return 0;
  zs_s64 n = zs_json_read_string(h, out, size);
  zs_object_free(h);
  if (n < 0) {
    out[0] = 0;
    return 0;
  }
  if ((zs_u64)n >= size) {
    out[0] = 0;
    return -1;
  }
  return n > 0;
}

/* Sets headers[name] = v (a new string node copied into the object). */
static int set_header(zs_s64 headers, const char *name, zs_u64 name_len,
                      const char *v) {
  zs_s64 s = zs_json_new_object();
  if (s < 0)
    return -1;
  zs_json_set_string(s, v, zs_strlen(v));
  zs_s64 r = zs_json_set(headers, name, name_len, s);
  zs_object_free(s);
  return r < 0 ? -1 : 0;
}

/* Writes the UTC time t (seconds since 1970) as YYYYMMDDTHHMMSSZ into date:
 * days to civil date after Howard Hinnant's algorithm, in unsigned
 * arithmetic (valid from 1970 on). */
static void format_date(zs_u64 t) {
  zs_u64 days = t / 86400, secs = t % 86400;
  zs_u64 z = days + 719468;
  zs_u64 era = z / 146097;
  zs_u64 doe = z - era * 146097;
  zs_u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  zs_u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  zs_u64 mp = (5 * doy + 2) / 153;
  zs_u64 d = doy - (153 * mp + 2) / 5 + 1;
  zs_u64 m = mp < 10 ? mp + 3 : mp - 9;
  zs_u64 y = yoe + era * 400 + (m <= 2);
  zs_u64 f[6] = {y, m, d, secs / 3600, secs / 60 % 60, secs % 60};
  int pos = 0;
  for (int i = 0; i < 6; i++) {
    int width = i == 0 ? 4 : 2;
    for (int j = width - 1; j >= 0; j--) {
      date[pos + j] = (char)('0' + f[i] % 10);
      f[i] /= 10;
    }
    pos += width;
    if (i == 2)
      date[pos++] = 'T';
  }
  date[pos++] = 'Z';
  date[pos] = 0;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Writes the request's path and query into uri with the path encoded the
 * way SigV4 canonicalises it (escapes decoded, then every byte but
 * A-Z a-z 0-9 - _ . ~ / as upper-case %XX): the upstream then receives
 * exactly the path that is signed, whatever its own canonicalisation.
 * Returns the length, or -1 when it does not fit. */
static zs_s64 canonical_uri(void) {
  const char *hex = "0123456789ABCDEF";
  zs_s64 n = zs_req_path(path, sizeof(path));
  if (n <= 0 || (zs_u64)n >= sizeof(path))
    return -1;
  zs_u64 o = 0;
  for (zs_s64 i = 0; i < n; i++) {
    unsigned char b = (unsigned char)path[i];
    if (b == '%' && i + 2 < n && hex_digit(path[i + 1]) >= 0 &&
        hex_digit(path[i + 2]) >= 0) {
      b = (unsigned char)(hex_digit(path[i + 1]) * 16 + hex_digit(path[i + 2]));
      i += 2;
    }
    if (o + 4 > sizeof(uri))
      return -1;
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
        (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' ||
        b == '~' || b == '/') {
      uri[o++] = (char)b;
    } else {
      uri[o++] = '%';
      uri[o++] = hex[b >> 4];
      uri[o++] = hex[b & 15];
    }
  }
  zs_s64 q = zs_req_query(uri + o + 1, sizeof(uri) - o - 1);
  if (q < 0 || (zs_u64)q >= sizeof(uri) - o - 1)
    return -1;
  if (q > 0) {
    uri[o] = '?';
    o += 1 + q;
  }
  uri[o] = 0;
  return o;
}

/* Adds each request header named in extra (space-separated) that the
 * request has to headers. -1 on a name too long or a value over 4 KiB. */
static int add_extra_headers(zs_s64 headers) {
  char *p = extra;
  for (int i = 0; i < 32 && *p; i++) {
    while (*p == ' ')
      p++;
    char *name = p;
    while (*p && *p != ' ')
      p++;
    zs_u64 len = p - name;
    if (len == 0)
      break;
    zs_s64 n = zs_req_header(name, len, value, sizeof(value));
    if (n < 0 || (zs_u64)n >= sizeof(value))
      return -1;
    if (n > 0) {
      /* The signature covers the lower-case name; header names are
       * case-insensitive on the wire. */
      for (zs_u64 j = 0; j < len; j++)
        if (name[j] >= 'A' && name[j] <= 'Z')
          name[j] = (char)(name[j] + 32);
      if (set_header(headers, name, len, value) < 0)
        return -1;
    }
  }
  return 0;
}

ZS_CALL_ENTRY(sign_request, input) {
  zs_s64 cfg = zs_json_get(input, ZS_STR("config"));
  if (cfg < 0)
    return FAIL("no config");
  if (config_string(cfg, "access_key_id", access_key, sizeof(access_key)) <= 0 ||
      config_string(cfg, "secret_access_key", secret_key, sizeof(secret_key)) <= 0)
    return FAIL("requires access_key_id and secret_access_key (at most 256 bytes each)");
  if (config_string(cfg, "region", region, sizeof(region)) < 0 ||
      config_string(cfg, "service", service, sizeof(service)) < 0 ||
      config_string(cfg, "session_token", token, sizeof(token)) < 0 ||
      config_string(cfg, "signed_headers", extra, sizeof(extra)) < 0)
    return FAIL("region, service, session_token or signed_headers too long");
  if (!region[0])
    zs_strcpy(region, "us-east-1");
  if (!service[0])
    zs_strcpy(service, "s3");
  int r = config_string(cfg, "payload_hash", payload_hash, sizeof(payload_hash));
  if (r == 0)
    r = config_string(cfg, "body_hash", payload_hash, sizeof(payload_hash));
  if (r < 0)
    return FAIL("payload_hash too long");
  if (!payload_hash[0])
    zs_strcpy(payload_hash, "UNSIGNED-PAYLOAD");
  int host_set = config_string(cfg, "host", host, sizeof(host));
  if (host_set == 0)
    host_set = config_string(cfg, "upstream_host", host, sizeof(host));
  if (host_set < 0)
    return FAIL("host too long");
  if (host_set == 0) {
    zs_s64 n = zs_req_header(ZS_STR("host"), host, sizeof(host));
    if (n <= 0 || (zs_u64)n >= sizeof(host))
      return FAIL("the request has no usable Host");
  }

  zs_s64 n = zs_req_method(method, sizeof(method));
  if (n <= 0 || (zs_u64)n >= sizeof(method))
    return FAIL("could not read request method");
  n = canonical_uri();
  if (n <= 0)
    return FAIL("could not read request URI (at most 8192 bytes encoded)");
  zs_req_set_uri(uri, n);
  zs_u64 now = zs_now_ms();
  format_date(now / 1000);

  zs_s64 headers = zs_json_new_object();
  if (headers < 0)
    return FAIL("could not allocate headers");
  if (add_extra_headers(headers) < 0)
    return FAIL("a signed_headers name or value is too long");
  if (set_header(headers, ZS_STR("host"), host) < 0 ||
      set_header(headers, ZS_STR("x-amz-content-sha256"), payload_hash) < 0 ||
      set_header(headers, ZS_STR("x-amz-date"), date) < 0 ||
      (token[0] && set_header(headers, ZS_STR("x-amz-security-token"), token) < 0))
    return FAIL("could not build headers");

  params[0] = (zs_u64)access_key;
  params[1] = zs_strlen(access_key);
  params[2] = (zs_u64)secret_key;
  params[3] = zs_strlen(secret_key);
  params[4] = (zs_u64)region;
  params[5] = zs_strlen(region);
  params[6] = (zs_u64)service;
  params[7] = zs_strlen(service);
  params[8] = (zs_u64)method;
  params[9] = zs_strlen(method);
  params[10] = (zs_u64)uri;
  params[11] = zs_strlen(uri);
  params[12] = (zs_u64)headers;
  params[13] = (zs_u64)payload_hash;
  params[14] = zs_strlen(payload_hash);
  params[15] = now;
  params[16] = (zs_u64)auth;
  params[17] = sizeof(auth);
  n = zs_aws_v4_authorization_header(params, sizeof(params));
  zs_object_free(headers);
  if (n <= 0 || (zs_u64)n >= sizeof(auth))
    return FAIL("signing failed");

  if (host_set > 0)
    zs_req_set_header(ZS_STR("Host"), ZS_STR(host));
  zs_req_set_header(ZS_STR("X-Amz-Date"), ZS_STR(date));
  zs_req_set_header(ZS_STR("X-Amz-Content-Sha256"), ZS_STR(payload_hash));
  /* An empty value deletes: a client's token is never forwarded unsigned. */
  zs_req_set_header(ZS_STR("X-Amz-Security-Token"), ZS_STR(token));
  zs_req_set_header(ZS_STR("Authorization"), ZS_STR(auth));
  return reply("{\"action\":\"continue\"}");
}
