// Globals: an initialised counter in .data, a zeroed array in .bss, a
// constant table in .rodata and pointers to strings stored in .data.
long counter = 40;
long scratch[16];
const long table[4] = {1, 2, 3, 4};
const char *names[] = {"alpha", "beta"};

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  counter += 2;
  scratch[3] = counter;
  return scratch[3] + table[*(volatile int *)&counter & 3] + names[1][0]; // 42 + table[2] + 'b' = 42+3+98
}
