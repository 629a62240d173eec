/*
 * zeroserve.h: the zeroserve plugin SDK.
 *
 * A plugin is C compiled to an eBPF object:
 *
 *     clang -O2 -target bpf -c plugin.c -o plugin.o   (or: zeroserve sdk compile)
 *
 * Entrypoints are code sections, named by the macros below. Helpers are
 * extern functions that the loader resolves by name; a call to a helper the
 * running zeroserve does not implement is rejected when the plugin loads.
 *
 * Strings passed to helpers are (pointer, length) pairs: ZS_STR("text")
 * expands to both. Helpers that return a string take (out, out_len) and
 * follow one rule: they copy at most out_len-1 bytes, always write a NUL
 * when out_len > 0, and return the full length of the value. The value fit
 * when the result is below out_len; out_len 0 asks for the length alone.
 * A helper given memory it may not access (outside the program's memory,
 * or read-only memory for an output) stops the script with a trap: the
 * request gets a 500 and the server logs why.
 */
#ifndef ZEROSERVE_H
#define ZEROSERVE_H

typedef unsigned long long uint64_t;
typedef long long int64_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef short int16_t;
typedef unsigned char uint8_t;
typedef signed char int8_t;
typedef unsigned long size_t;
typedef long ssize_t;

typedef uint64_t zs_u64;
typedef int64_t zs_s64;
typedef uint32_t zs_u32;
typedef int32_t zs_s32;
typedef uint16_t zs_u16;
typedef int16_t zs_s16;
typedef uint8_t zs_u8;
typedef int8_t zs_s8;

/* Entrypoints. */
#define ZS_SECTION(name) __attribute__((section(name), used))
/* ZS_ENTRY zs_u64 entry(void) { ... } runs once per request, in chain order. */
#define ZS_ENTRY ZS_SECTION("zeroserve.request")
/* Runs before every zeroserve.request section of every script. */
#define ZS_TLS_REQUEST_ENTRY ZS_SECTION("zeroserve.tls.request")
/* Runs once per TLS connection, at the ClientHello. */
#define ZS_TLS_ENTRY ZS_SECTION("zeroserve.tls")
/* ZS_INIT_ENTRY(name) zs_s64 f(void) runs once when the plugin loads. */
#define ZS_INIT_ENTRY(name) ZS_SECTION("zeroserve.init." #name)
/*
 * ZS_CALL_ENTRY(name, input) { ... } defines "zeroserve.call.<name>", which
 * zs_call and response hooks run; input is the caller's JSON handle and the
 * body returns a JSON handle, or a negative value on failure.
 */
#define ZS_CALL_ENTRY(name, input)                                             \
  static zs_s64 zs__call_body_##name(zs_s64 input);                            \
  ZS_SECTION("zeroserve.call." #name)                                          \
  zs_s64 zs__call_entry_##name(zs_s64 *zs__input) {                            \
    return zs__call_body_##name(*zs__input);                                   \
  }                                                                            \
  static zs_s64 zs__call_body_##name(zs_s64 input)

#define ZS_INLINE __attribute__((always_inline))
#define ZS_MAYBE_UNUSED __attribute__((unused))
#define ZS_STR(s) (s), zs_strlen((s))
#define ZS_STR_WITH_NULL(s) (s), (zs_strlen((s)) + 1)
#define ZS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ZS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Logging and time. */

/* Appends to this script's log line; each '\n' (or 512 bytes) emits a line
 * on the server's log. Non-printable bytes are logged as '?'. */
extern zs_s64 zs_log(const char *msg, zs_u64 len);
/* Milliseconds since the Unix epoch. */
extern zs_u64 zs_now_ms(void);

/* Memory (bounds-checked; memcpy and memset are the same helpers, so
 * compiler-generated calls link). */
extern void *zs_memcpy(void *dst, const void *src, size_t n);
extern void *zs_memset(void *dst, int c, size_t n);
/* The signed difference of the first differing bytes, or 0. */
extern int zs_memcmp(const void *a, const void *b, size_t n);

/* Reading the request (string-out rule above). */
extern zs_s64 zs_req_method(char *out, zs_u64 out_len);
/* The normalised path, percent-encoding kept. */
extern zs_s64 zs_req_path(char *out, zs_u64 out_len);
/* Path, then '?' and the raw query when there is one. */
extern zs_s64 zs_req_uri(char *out, zs_u64 out_len);
/* The raw query without '?'. */
extern zs_s64 zs_req_query(char *out, zs_u64 out_len);
/* "http" or "https". */
extern zs_s64 zs_req_scheme(char *out, zs_u64 out_len);
/* The client's address, ip:port. */
extern zs_s64 zs_req_peer(char *out, zs_u64 out_len);
extern zs_s64 zs_req_proto_major(void);
extern zs_s64 zs_req_proto_minor(void);
extern zs_s64 zs_req_is_tls(void);
/* The header's values (name is case-insensitive; repeated values joined
 * with ", "), or "" when it is missing. */
extern zs_s64 zs_req_header(const char *name, zs_u64 name_len, char *out,
                            zs_u64 out_len);
/* The first form-decoded value of a query parameter, or "". */
extern zs_s64 zs_req_query_param(const char *name, zs_u64 name_len, char *out,
                                 zs_u64 out_len);

/* Changing the request (later scripts and the upstream see the change).
 * Invalid methods, URIs, header names or values trap. */
extern zs_s64 zs_req_set_method(const char *method, zs_u64 method_len);
/* "path[?query]". */
extern zs_s64 zs_req_set_uri(const char *uri, zs_u64 uri_len);
/* Replaces every value; an empty value deletes the header. */
extern zs_s64 zs_req_set_header(const char *name, zs_u64 name_len,
                                const char *value, zs_u64 value_len);
/* Adds a value; Host is replaced instead. */
extern zs_s64 zs_req_append_header(const char *name, zs_u64 name_len,
                                   const char *value, zs_u64 value_len);
/* "Foo", "Foo*", "*Foo", "*Foo*" or "*" (every header). */
extern zs_s64 zs_req_delete_header(const char *pattern, zs_u64 pattern_len);

/* Metadata shared by every script of a request. zs.response.header.<name>
 * adds that header to the response, whatever produces it. */
extern zs_s64 zs_meta_get(const char *key, zs_u64 key_len, char *out,
                          zs_u64 out_len);
extern zs_s64 zs_meta_set(const char *key, zs_u64 key_len, const char *value,
                          zs_u64 value_len);

/* Producing the response. The first script that responds ends the chain.
 * A status outside 100..999 traps. */
extern zs_s64 zs_respond(zs_u64 status, const void *body, zs_u64 body_len);
/* Close the connection without a response. */
extern zs_s64 zs_abort(void);
/* 1 when this request already has a response, else 0. */
extern zs_s64 zs_response_pending(void);
/* Drop the pending response so the chain goes on. */
extern zs_s64 zs_response_clear(void);

/* String utilities (plain C, inlined). */
static ZS_MAYBE_UNUSED ZS_INLINE size_t zs_strlen(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strcpy(char *dst, const char *src) {
  size_t i = 0;
  for (; src[i]; i++)
    dst[i] = src[i];
  dst[i] = 0;
  return dst;
}

/* Like zs_strcpy, but returns a pointer to the NUL it wrote. */
static ZS_MAYBE_UNUSED ZS_INLINE char *zs_stpcpy(char *dst, const char *src) {
  return zs_strcpy(dst, src) + zs_strlen(src);
}

/* Copies at most n bytes and pads the rest of dst with NULs. */
static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strncpy(char *dst, const char *src,
                                                  size_t n) {
  size_t i = 0;
  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = 0;
  return dst;
}

static ZS_MAYBE_UNUSED ZS_INLINE int zs_strncmp(const char *a, const char *b,
                                                size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x != y)
      return x - y;
    if (!x)
      break;
  }
  return 0;
}

static ZS_MAYBE_UNUSED ZS_INLINE int zs_strcmp(const char *a, const char *b) {
  size_t i = 0;
  while (a[i] && a[i] == b[i])
    i++;
  return (unsigned char)a[i] - (unsigned char)b[i];
}

/* The last occurrence of c in s (the NUL included), or 0. */
static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strrchr(const char *s, int c) {
  const char *found = 0;
  do {
    if (*s == (char)c)
      found = s;
  } while (*s++);
  return (char *)found;
}

/* Writes the decimal form of v and a NUL; returns the digit count, or -1
 * when out (out_size bytes) is too small. */
static ZS_MAYBE_UNUSED ZS_INLINE int zs_utoa10(unsigned int v, char *out,
                                               size_t out_size) {
  char tmp[10];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (!out || (size_t)n + 1 > out_size)
    return -1;
  for (int i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = 0;
  return n;
}

#endif /* ZEROSERVE_H */
