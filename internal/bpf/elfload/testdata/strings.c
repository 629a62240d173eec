// Strings in .rodata passed to an extern helper.
extern long zs_log(const char *msg, unsigned long len);

static const char greeting[] = "hello from rodata";

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  zs_log(greeting, sizeof greeting - 1);
  zs_log("second", 6);
  return greeting[6]; // 'f'
}
