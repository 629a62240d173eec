// clang-flags: -fno-builtin
// Extern helpers resolved by name, and memcpy/memset calls that clang emits
// as calls (with -fno-builtin) rather than inline stores.
extern long zs_log(const char *msg, unsigned long len);
extern long zs_req_header(const char *name, unsigned long name_len, char *out, unsigned long out_len);
void *memcpy(void *dst, const void *src, unsigned long n);
void *memset(void *dst, int c, unsigned long n);

char buf[256];

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  char tmp[256];
  memset(tmp, 'x', sizeof tmp);
  memcpy(buf, tmp, sizeof buf);
  long n = zs_req_header("host", 4, buf, sizeof buf);
  zs_log(buf, n);
  return buf[0];
}

__attribute__((section("zeroserve.tls"), used)) long tls(void) {
  return zs_log("tls", 3);
}
