// Package vm runs eBPF programs in a sandbox: it validates a linked
// bpf.Object (Load), lays out its memory in a pointer cage, and executes its
// entrypoints in pooled execution contexts with a fuel budget, calling Go
// helpers registered by name or id.
//
// The contract shared with the JIT code generators (cage layout, state
// offsets, exit codes, traps, fuel rules) is in package vm/abi. Today only
// the interpreter exists; asking for the JIT (Options.JIT = JITOn) fails
// with ErrNotSupported rather than interpreting silently.
//
// Memory (DESIGN §3). Each Context owns one cage, an anonymous mapping laid
// out as abi.CageLayout describes: the 8 × 4 KiB stack and the writable
// data, then the read-only calldata and read-only data. Loads and stores are
// masked, never bounds-checked, and cannot fault; stores reach only writable
// memory. Before every run the writable region (32 KiB for a program without
// .data/.bss, the stack alone) is cleared, .data re-copied and the calldata
// replaced, so nothing leaks from one request to the next;
// BenchmarkCageReset measures it.
// Helpers reach guest memory only through Context.Read and Context.Write,
// which check bounds and return *MemoryError (abi.TrapMemory).
//
// Time. Fuel is charged at back-edges and calls (abi/fuel.go); the Go side
// hands it out in slices and settles it in fuel.go, where interrupts
// (Context.Interrupt) are also seen.
//
// Validation. verify.go lists the rules; each has a test in verify_test.go.
// The conformance corpora run in conformance_test.go, hostile programs in
// hostile_test.go.
package vm
