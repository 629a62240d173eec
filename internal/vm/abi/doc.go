// Package abi is the contract between the eBPF interpreter, the JIT code
// generators and the Go code that runs them: the cage memory layout, the
// execution-state struct that machine code reads and writes (with its field
// offsets), exit codes, trap values and where fuel is charged.
//
// It is a leaf package: it imports nothing of zeroserve, so the interpreter
// (package vm) and every JIT import it without importing each other. See
// DESIGN §3 for the pointer cage and fuel.
package abi
