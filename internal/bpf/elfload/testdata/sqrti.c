// A helper called by name: sqrti is the conformance helper 3 of
// testdata/README.md §4 (uBPF's ELF test template calls it too).
extern unsigned long sqrti(unsigned long x);

__attribute__((section("zeroserve.request"), used)) long entry(void) {
  return sqrti(1764); // 42
}
