// Package vm runs eBPF programs in a sandbox: it validates a linked
// bpf.Object (Load), lays out its memory in a pointer cage, and executes its
// entrypoints in pooled execution contexts with a fuel budget, calling Go
// helpers registered by name or id.
//
// The contract shared with the JIT code generators (cage layout, state
// offsets, exit codes, traps, fuel rules) is in package vm/abi. Today only
// the interpreter exists; asking for the JIT (Options.JIT = JITOn) fails
// with ErrNotSupported rather than interpreting silently.
package vm
