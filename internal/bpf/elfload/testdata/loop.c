// A loop in the request entry: sums the squares 1..n, with n read through
// a pointer so clang cannot fold it.
__attribute__((section("zeroserve.request"), used)) long entry(void) {
  volatile long n = 10;
  long sum = 0;
  for (long i = 1; i <= n; i++)
    sum += i * i;
  return sum; // 385
}
