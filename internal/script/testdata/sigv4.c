/* zs_aws_v4_*: "op" picks a case; the response body is the helper's
 * output, or its result as a number when negative. */
#include <zeroserve.h>

struct params {
  const char *access_key;
  zs_u64 access_key_len;
  const char *secret_key;
  zs_u64 secret_key_len;
  const char *region;
  zs_u64 region_len;
  const char *service;
  zs_u64 service_len;
  const char *method;
  zs_u64 method_len;
  const char *uri;
  zs_u64 uri_len;
  zs_s64 headers;
  const char *body_hash;
  zs_u64 body_hash_len;
  zs_s64 timestamp_ms;
  char *out;
  zs_u64 out_len;
};

static void set_str(zs_s64 obj, const char *key, const char *v) {
  zs_s64 h = zs_json_new_object();
  zs_json_set_string(h, v, zs_strlen(v));
  zs_json_set(obj, key, zs_strlen(key), h);
  zs_object_free(h);
}

static const char empty_hash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static char out[512]; /* in .bss: the stack is small */

ZS_ENTRY zs_u64 entry(void) {
  char op[16];
  if (zs_req_query_param(ZS_STR("op"), op, sizeof(op)) >= (zs_s64)sizeof(op))
    return 0;
  zs_s64 hdrs = zs_json_new_object();
  set_str(hdrs, "host", "s3.amazonaws.com");
  set_str(hdrs, "x-amz-date", "20240101T000000Z");
  set_str(hdrs, "x-amz-content-sha256", empty_hash);
  struct params p = {
      ZS_STR("AKIAIOSFODNN7EXAMPLE"),
      ZS_STR("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
      ZS_STR("us-east-1"),
      ZS_STR("s3"),
      ZS_STR("GET"),
      ZS_STR("/my-bucket/test-object"),
      hdrs,
      empty_hash,
      sizeof(empty_hash) - 1,
      1704067200000LL,
      out,
      sizeof(out),
  };
  zs_s64 r;
  if (zs_strcmp(op, "header") == 0) {
    r = zs_aws_v4_authorization_header(&p, sizeof(p));
  } else if (zs_strcmp(op, "presign") == 0) {
    p.uri = "/my-bucket/test-object?prefix=docs/";
    p.uri_len = zs_strlen(p.uri);
    zs_s64 host = zs_json_new_object();
    set_str(host, "Host", "s3.amazonaws.com");
    p.headers = host;
    p.body_hash_len = 0; /* UNSIGNED-PAYLOAD */
    r = zs_aws_v4_presigned_url(&p, sizeof(p), 3600);
  } else if (zs_strcmp(op, "short") == 0) {
    p.out_len = 10;
    r = zs_aws_v4_authorization_header(&p, sizeof(p));
    if (r >= 10 && out[9] == 0)
      return zs_respond(200, out, 9);
    return zs_respond(500, 0, 0);
  } else if (zs_strcmp(op, "limit") == 0) {
    p.region_len = 65;
    r = zs_aws_v4_authorization_header(&p, sizeof(p));
  } else if (zs_strcmp(op, "expires") == 0) {
    r = zs_aws_v4_presigned_url(&p, sizeof(p), 604801);
  } else if (zs_strcmp(op, "nohost") == 0) {
    p.headers = 0;
    r = zs_aws_v4_authorization_header(&p, sizeof(p));
  } else if (zs_strcmp(op, "size") == 0) {
    r = zs_aws_v4_authorization_header(&p, sizeof(p) - 8);
  } else if (zs_strcmp(op, "misaligned") == 0) {
    r = zs_aws_v4_authorization_header((char *)&p + 4, sizeof(p));
  } else {
    return 0;
  }
  if (r < 0) {
    char num[4] = {'-', (char)('0' - r), 0};
    return zs_respond(200, num, 2);
  }
  return zs_respond(200, out, r < (zs_s64)sizeof(out) ? r : 0);
}
