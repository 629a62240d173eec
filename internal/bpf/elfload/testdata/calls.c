// Non-inlined functions in .text called from two entry sections, and one
// entry section calling a function defined in another code section.
__attribute__((noinline)) static long square(long x) { return x * x; }
__attribute__((noinline)) long twice(long x) { return square(x) + square(x); }

__attribute__((section("zeroserve.call.helper"), noinline, used))
long call_helper(long *input) { return square(*input) + 1; }

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  long v = 3;
  return twice(v) + call_helper(&v); // 18 + 10
}

__attribute__((section("zeroserve.init.config"), used)) long init(void) {
  return twice(5); // 50
}
