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
 * A Caddyfile's `zeroserve_call <script> <name> { key value ... }` runs it
 * with input {"version":1,"config":{"key":"value",...},"route":{...}}; the
 * returned object's "action" decides: "continue" (the next handler runs),
 * "respond" (status, body, headers {"Name":["v"]}), "proxy" (url), "abort",
 * "error" (status, message: the error routes run) or "adopt_response" (the
 * function's own zs_respond / zs_reverse_proxy / zs_file_server). A failed
 * call or another reply is a 500 error.
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
/* The server's version (string-out rule). */
extern zs_s64 zs_version(char *out, zs_u64 out_len);

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
/* {"name": N, "search": S | "search_regexp": RE, "replace": R}: replaces in
 * every value of header N ("*": every header); "$1" names a capture. Invalid
 * JSON, an unknown field, both or neither of search and search_regexp, a bad
 * expression or a result that is not a valid field value trap. */
extern zs_s64 zs_req_replace_header(const char *op_json, zs_u64 op_len);
/* Caddy rewrite path steps as JSON: {"strip_path_prefix", "strip_path_suffix",
 * "uri_substring": [{find, replace, limit}], "path_regexp": [{find, replace}]},
 * with Caddy's semantics (placeholders in values expanded as Caddy's rewrite
 * does). Malformed JSON or an unknown field traps. */
extern zs_s64 zs_req_rewrite_uri(const char *ops_json, zs_u64 ops_len);
/* Caddy rewrite query ops as JSON: {"rename": [{key, val}], "set", "add",
 * "replace": [{key, search | search_regexp, replace}], "delete": [keys]},
 * applied in that order. Malformed JSON or an unknown field traps. */
extern zs_s64 zs_req_rewrite_query(const char *ops_json, zs_u64 ops_len);
/* The decoded, cleaned path used for file lookups ("/" + relative path). */
extern zs_s64 zs_req_normalized_path(char *out, zs_u64 out_len);
/* 1 when a value of the (trimmed) query parameter equals val, or val is "*"
 * and the parameter is present; else 0. */
extern zs_s64 zs_req_query_param_matches(const char *name, zs_u64 name_len,
                                         const char *val, zs_u64 val_len);
/* 1 when the direct peer's IP is in a JSON array of IPs and CIDRs, else 0.
 * Invalid JSON or an entry that is neither traps. */
extern zs_s64 zs_req_remote_ip_matches(const char *ranges_json,
                                       zs_u64 ranges_len);
/* 1 over TLS (requests reach scripts only after the handshake), else 0. */
extern zs_s64 zs_req_tls_handshake_complete(void);
/* Lowers the body limit of zs_req_body_json (the lowest wins; default 256
 * KiB). Returns 1 when the body or its Content-Length already exceeds it. */
extern zs_s64 zs_req_body_limit(zs_u64 max);
/* The request body parsed as JSON: a new handle, or -1 when the body is
 * empty, over the limit or not JSON. */
extern zs_s64 zs_req_body_json(void);
/* A new handle: {"tls": bool, "tls_handshake_complete": bool, "alpn":
 * str|null, "sni": {"inner", "outer"} (the same name: no ECH), "ech": null,
 * "fingerprint": {"ja4": str|null}, "tls_client": {"certificate": null |
 * {"fingerprint_sha256" (hex of the DER), "subject", "issuer" (RFC 2253),
 * "serial" (hex)}, "chain_fingerprints_sha256": [hex, ...]}}. */
extern zs_s64 zs_connection_info(void);

/* OpenID Connect login (Authorization Code + PKCE S256). cfg is a JSON
 * handle: {"issuer" (discovery) | "authorization_endpoint", "token_endpoint",
 * "jwks_uri"; "client_id", "client_secret", "redirect_uri" (absolute),
 * "scope" (default "openid profile email"), "cookie_secret" (>= 16 bytes) |
 * "cookie_secret_env" (a variable allowed by --script-env),
 * "session_ttl_secs" (default 3600)}. An unknown key or a bad configuration
 * logs "[oidc] ..." and gives -1. Cookies __zs_oidc_state (600 s) and
 * __zs_oidc_session are Path=/; HttpOnly; SameSite=Lax (+ Secure over
 * https), sealed with AES-256-GCM under SHA-256(secret). Provider requests
 * run off the event loop; those responses skip response hooks. The
 * response helpers trap when the request already has a response or in a
 * hook. */
/* 302 to the provider with a state cookie. return_to ("" = "/") must be a
 * path on this site ("/x", not "//host" or "\\"): otherwise -1. A failed
 * discovery answers 500. */
extern zs_s64 zs_oidc_begin_login(zs_s64 cfg, const char *return_to,
                                  zs_u64 return_to_len);
/* The redirect_uri endpoint: 400 "missing code or state" | "missing login
 * state" | "invalid or expired login state" | "state mismatch"; else the
 * code is exchanged and the id_token verified (RS256/ES256 signature against
 * the JWKS, iss, aud, exp required, nonce): 302 to return_to with the
 * session cookie, or 502 "authentication failed". */
extern zs_s64 zs_oidc_handle_callback(zs_s64 cfg);
/* A new handle to the session's id_token claims, 0 without a valid
 * unexpired session, -1 for a bad configuration. */
extern zs_s64 zs_oidc_session_verify(zs_s64 cfg);
/* Clears the session cookie: 302 to url (http(s) URL or path; another
 * value gives -1), or 200 "logged out" when url is empty. */
extern zs_s64 zs_oidc_logout(zs_s64 cfg, const char *url, zs_u64 url_len);

/* Metadata shared by every script of a request. zs.response.header.<name>
 * adds that header to the response, whatever produces it. */
extern zs_s64 zs_meta_get(const char *key, zs_u64 key_len, char *out,
                          zs_u64 out_len);
extern zs_s64 zs_meta_set(const char *key, zs_u64 key_len, const char *value,
                          zs_u64 value_len);

/* Producing the response. The first script that responds ends the chain.
 * A status outside 100..999 traps. */
extern zs_s64 zs_respond(zs_u64 status, const void *body, zs_u64 body_len);
/* Forward the request (as scripts changed it) to an upstream,
 * "http://host[:port][/base]", "https://..." or a Unix socket
 * "unix//path/to.sock": the request path is appended to the base path, the
 * queries are merged, Host is kept, X-Forwarded-* are added when missing.
 * Ends the chain like a response; the body streams to the upstream
 * (chunked or over 64 KiB: such a body is not visible to scripts).
 * Response hooks and zs.response.header.* metadata apply to the proxied
 * response's status and header. Another kind of URL traps. */
extern zs_s64 zs_reverse_proxy(const char *url, zs_u64 url_len);
/* Close the connection without a response. */
extern zs_s64 zs_abort(void);
/* Serve the request's path with Caddy's file_server semantics, configured
 * by Caddy file_server JSON (root, index_names, hide, precompressed,
 * canonical_uris, status_code, pass_thru, etag_file_extensions; "{}"
 * serves the site tarball's own files with index.html, index.txt).
 * 0: the file (or a canonical-URI redirect) is the response and ends the
 * chain; 1: not found and pass_thru; 2: an error, with
 * http.error.status_code, http.error.status_text and http.error.message
 * in the metadata (the chain goes on; respond as you like). Change the
 * path first (zs_req_set_uri) to serve another file. An invalid
 * configuration traps. */
extern zs_s64 zs_file_server(const char *cfg, zs_u64 cfg_len);
/* 1 when this request already has a response, else 0. */
extern zs_s64 zs_response_pending(void);
/* Drop the pending response so the chain goes on. */
extern zs_s64 zs_response_clear(void);

/* JSON handles. A handle is a small number (1..32) naming a cursor into a
 * JSON tree; each script context has its own, at most 32 live at once (one
 * more traps). In a ZS_CALL_ENTRY body, handle 1 is the input. zs_json_get
 * and zs_json_array_get return new cursors into the same tree; a change
 * made through one cursor makes every other cursor into that tree stale,
 * and using a stale handle traps until zs_json_reset re-points it at the
 * root. Unknown or freed handles trap; a value of the wrong kind gives -1.
 * Objects keep their keys in insertion order. Everything helpers allocate
 * for a request (parsed, created and copied trees, values set or pushed,
 * metadata, request header and URI changes) counts against one per-request
 * host-memory budget (1 MiB by default, never refunded within the
 * request); exceeding it traps. */
#define ZS_JSON_NULL 0
#define ZS_JSON_BOOL 1
#define ZS_JSON_NUMBER 2
#define ZS_JSON_STRING 3
#define ZS_JSON_ARRAY 4
#define ZS_JSON_OBJECT 5
/* A handle to the parsed document, or -1 when it is not valid JSON (or is
 * nested deeper than 256 levels). */
extern zs_s64 zs_json_parse(const char *data, zs_u64 len);
/* The site tarball's file path (its tar key verbatim: "data/x.json", not
 * "/data/x.json") parsed as JSON; -1 without a site tarball, for a missing
 * file, one over 4 MiB or one that is not JSON. */
extern zs_s64 zs_load_static_json(const char *path, zs_u64 len);
/* {"size": bytes, "etag": "<32 hex digits>", "mtime": unix seconds} of
 * the site tarball's file path (same path rule); -1 as above. */
extern zs_s64 zs_load_file_metadata(const char *path, zs_u64 len);
/* Re-points h at its tree's root and makes it valid again. */
extern zs_s64 zs_json_reset(zs_s64 h);
/* A new cursor to the member key, or -1 (not an object, missing key, key
 * not UTF-8). */
extern zs_s64 zs_json_get(zs_s64 h, const char *key, zs_u64 key_len);
/* A new cursor to element idx, or -1 (not an array, out of range). */
extern zs_s64 zs_json_array_get(zs_s64 h, zs_u64 idx);
/* String-out rule; -1 when h is not a string. */
extern zs_s64 zs_json_read_string(zs_s64 h, char *out, zs_u64 out_len);
/* Writes the integer at out (out_len must be 8, or trap) and returns 8;
 * -1 when h is not an integer that fits in 64 bits. */
extern zs_s64 zs_json_read_i64(zs_s64 h, zs_s64 *out, zs_u64 out_len);
/* Writes 0 or 1 at out (out_len must be 1, or trap) and returns 1; -1 when
 * h is not a boolean. */
extern zs_s64 zs_json_read_bool(zs_s64 h, zs_u8 *out, zs_u64 out_len);
extern zs_s64 zs_json_new_object(void);
extern zs_s64 zs_json_new_array(void);
/* A deep copy of h's value, as a new tree. */
extern zs_s64 zs_json_clone(zs_s64 h);
/* One of ZS_JSON_*. */
extern zs_s64 zs_json_type(zs_s64 h);
/* Element count of an array or object, byte length of a string, else -1. */
extern zs_s64 zs_json_len(zs_s64 h);
/* Sets key to a deep copy of val; -1 when obj is not an object. */
extern zs_s64 zs_json_set(zs_s64 obj, const char *key, zs_u64 key_len,
                          zs_s64 val);
/* -1 when obj is not an object or has no such key. */
extern zs_s64 zs_json_remove(zs_s64 obj, const char *key, zs_u64 key_len);
/* Appends a deep copy of val and returns the new length; -1 when arr is
 * not an array. */
extern zs_s64 zs_json_array_push(zs_s64 arr, zs_s64 val);
/* -1 when arr is not an array or idx is out of range. */
extern zs_s64 zs_json_array_set(zs_s64 arr, zs_u64 idx, zs_s64 val);
/* Replace h's value in place (its type may change). */
extern zs_s64 zs_json_set_string(zs_s64 h, const char *s, zs_u64 len);
extern zs_s64 zs_json_set_i64(zs_s64 h, zs_s64 v);
extern zs_s64 zs_json_set_bool(zs_s64 h, zs_u64 b);
extern zs_s64 zs_json_set_null(zs_s64 h);
/* Responds with h serialized and content-type application/json; the rules
 * of zs_respond apply. */
extern zs_s64 zs_json_respond(zs_u64 status, zs_s64 h);
/* Drops a handle (an unknown one traps). */
extern zs_s64 zs_object_free(zs_s64 h);

/* Calling another script. Runs ZS_CALL_ENTRY(func, input) of the named
 * script (file name with or without ".o") with a deep copy of h as its
 * input, and returns a deep copy of the handle it returns as a new handle.
 * The callee shares the request, its metadata, hooks, memory budget and
 * fuel, but not handles or a response it makes (zs_abort stands). -1 when the script or function does
 * not exist, the callee trapped or returned a negative value or no handle,
 * or 8 calls are already nested (the request itself is level 0, so 7
 * nested calls succeed). An invalid h traps. */
extern zs_s64 zs_call(const char *script, zs_u64 script_len, const char *func,
                      zs_u64 func_len, zs_s64 h);

/* Response hooks. zs_res_hook registers ZS_CALL_ENTRY(func, input) of
 * script (the current one when empty) to run with a copy of h once the
 * response's status and headers are known, before they are sent, for every
 * kind of response. Hooks share the request and metadata; a hook that is
 * missing or traps is logged and skipped, and a trap undoes its changes to
 * the response. Hooks registered by a hook are dropped. An empty func
 * traps. */
extern zs_s64 zs_res_hook(const char *script, zs_u64 script_len,
                          const char *func, zs_u64 func_len, zs_s64 h);
extern zs_s64 zs_res_hooks_clear(void);
/* Inside a hook only (elsewhere they trap; zs_abort traps in a hook). */
extern zs_s64 zs_res_status(void);
/* A status outside 100..999 traps. */
extern zs_s64 zs_res_set_status(zs_u64 status);
/* The first value of a response header, or "" (string-out rule). An empty
 * name traps. */
extern zs_s64 zs_res_header(const char *name, zs_u64 name_len, char *out,
                            zs_u64 out_len);
/* Throws the response away and runs the request scripts again, with the
 * same request and metadata. */
extern zs_s64 zs_res_continue_request(void);
/* zs_req_replace_header's operation on the response header (hooks only). */
extern zs_s64 zs_res_replace_header(const char *op_json, zs_u64 op_len);

/* Crypto and encoding. Binary outputs are not NUL-terminated; results are
 * byte counts. */
/* Fills out with len random bytes from the OS CSPRNG; returns len. */
extern zs_s64 zs_getrandom(void *out, zs_u64 len);
/* Writes the SHA-256 digest (out_len must be 32, or trap); returns 32. */
extern zs_s64 zs_sha256(const void *data, zs_u64 len, void *out,
                        zs_u64 out_len);
/* Writes HMAC-SHA256(key, msg), 32 bytes, at out; returns 32. */
extern zs_s64 zs_hmac_sha256(const void *key, zs_u64 key_len, const void *msg,
                             zs_u64 msg_len, void *out);
#define ZS_BASE64_STANDARD 0
#define ZS_BASE64_STANDARD_NO_PAD 1
#define ZS_BASE64_URL 2
#define ZS_BASE64_URL_NO_PAD 3
/* Returns the encoded length; out_len 0 asks for it alone, a non-zero
 * out_len that is too small traps, and so does an unknown encoding. */
extern zs_s64 zs_base64_encode(const void *data, zs_u64 len, char *out,
                               zs_u64 out_len, zs_u64 encoding);
/* Decodes buf in place; returns the decoded length, or -1 for invalid
 * input (buf may be changed). len 0 returns 0. */
extern zs_s64 zs_base64_decode_in_place(char *buf, zs_u64 len,
                                        zs_u64 encoding);
#define ZS_HEX_LOWER 0
#define ZS_HEX_UPPER 1
/* Returns 2*len; out_len 0 asks for it alone, a short out_len traps, and so
 * does a case other than ZS_HEX_LOWER or ZS_HEX_UPPER. */
extern zs_s64 zs_hex_encode(const void *data, zs_u64 len, char *out,
                            zs_u64 out_len, zs_u64 letter_case);
/* Returns len/2, or -1 for an odd length or a non-hex character. */
extern zs_s64 zs_hex_decode_in_place(char *buf, zs_u64 len);

/* Environment: the value of a variable the server allows with
 * --script-env (string-out rule). A missing or not allowed variable reads
 * as "". */
extern zs_s64 zs_env_get(const char *name, zs_u64 name_len, char *out,
                         zs_u64 out_len);

/* Rate limiting, shared by every worker and kept across reloads. Each
 * limit (requests per second, minute, hour; 0 = none) is a GCRA: a burst
 * of up to the limit, then an even refill. A rejected request is not
 * counted. Returns one of ZS_RATE_*, or -1 for a key that is empty or over
 * 256 bytes (or when the server runs without a limiter). */
#define ZS_RATE_ALLOWED 0
#define ZS_RATE_SECOND 1
#define ZS_RATE_MINUTE 2
#define ZS_RATE_HOUR 3
#define ZS_RATE_BUCKET_LIMIT 4 /* a new key while every bucket is in use */
extern zs_s64 zs_rate_limit(const char *key, zs_u64 key_len, zs_u64 per_sec,
                            zs_u64 per_min, zs_u64 per_hour);

/* AWS Signature Version 4. params points to 18 u64 fields (144 bytes,
 * 8-byte aligned, or trap): access_key, len, secret_key, len, region, len,
 * service, len, method, len, uri ("path[?query]" as sent), len,
 * headers (a JSON object handle of the headers to sign, which must include
 * host; 0 for none), body_hash, len (empty: UNSIGNED-PAYLOAD),
 * timestamp_ms, out, out_len. The result goes to out by the string-out
 * rule. -1 when a key is empty or over 256 bytes, the region, service or
 * method empty or over 64, the uri empty or over 8192, or expires_secs not
 * in 1..604800; -2 when the request cannot be canonicalised (bad
 * percent-encoding, no host header, a header value that is not a string).
 * The path and query are decoded and re-encoded the AWS way (s3: path
 * encoded once, other services twice; '+' in the query is a space; empty
 * values are signed as "name="), as the AWS SDKs do. */
extern zs_s64 zs_aws_v4_authorization_header(const void *params,
                                             zs_u64 params_len);
/* "<path>?<query with X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders>&X-Amz-Signature=<hex>"; the headers are signed as
 * headers (host at least). */
extern zs_s64 zs_aws_v4_presigned_url(const void *params, zs_u64 params_len,
                                      zs_u64 expires_secs);

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
