package vm

import (
	"errors"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// ErrNotSupported is wrapped by errors for features this build cannot
// provide, such as a JIT for the running architecture.
var ErrNotSupported = errors.New("not supported")

// ErrExit may be returned by a helper to end the program at once, as if the
// outermost frame executed exit with r0 set to the helper's return value.
var ErrExit = errors.New("exit requested by helper")

// VerifyError is a program the validator rejects. PC is the slot of the
// offending instruction, or -1 for a property of the whole program (empty,
// too large).
type VerifyError struct {
	PC     int
	Insn   bpf.Instruction
	Reason string
}

// Error prints the slot, the instruction and the reason.
func (e *VerifyError) Error() string {
	if e.PC < 0 {
		return "verify: " + e.Reason
	}
	return fmt.Sprintf("verify: pc %d: %v: %s", e.PC, e.Insn, e.Reason)
}

// RunError is a trap raised while a program runs: which trap, at which
// slot, in which helper (if any), and the helper's error (if any).
// errors.Is(err, abi.TrapX) matches the trap, and the helper's error is
// unwrapped too.
type RunError struct {
	Trap   abi.Trap
	PC     int
	Helper string
	Err    error
}

// Error describes the trap.
func (e *RunError) Error() string {
	msg := fmt.Sprintf("pc %d: %v", e.PC, e.Trap)
	if e.Helper != "" {
		msg += " in helper " + e.Helper
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the trap and the helper's error.
func (e *RunError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Trap}
	}
	return []error{e.Trap, e.Err}
}

// MemoryError is a (pointer, length) a helper may not access. It matches
// abi.TrapMemory with errors.Is.
type MemoryError struct {
	Addr, Len uint64
	Write     bool
}

// Error names the rejected range.
func (e *MemoryError) Error() string {
	kind := "read"
	if e.Write {
		kind = "write"
	}
	return fmt.Sprintf("%s of %d bytes at %#x outside the guest's memory", kind, e.Len, e.Addr)
}

// Unwrap returns abi.TrapMemory.
func (e *MemoryError) Unwrap() error { return abi.TrapMemory }
