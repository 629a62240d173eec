// Pointers inside read-only data: a constant table of strings and a table
// of structs holding string pointers, both in .rodata with R_BPF_64_ABS64
// relocations into .rodata.str1.1.
static const char *const words[] = {"zero", "one", "two"};
struct entry {
  const char *name;
  int value;
};
const struct entry table[] = {{"aa", 1}, {"bb", 2}};

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  volatile int i = 2;
  return words[i][1] + table[i - 1].name[0] + table[i - 1].value; // 'w' + 'b' + 2 = 219
}
