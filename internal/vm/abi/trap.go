package abi

// Trap is the reason an execution stopped abnormally. A Trap is an error, so
// callers can test a run's error with errors.Is(err, abi.TrapFuelExhausted).
// The interpreter and the JITs raise the same Trap values at the same places.
type Trap uint8

// Traps. TrapNone is never returned as an error.
const (
	TrapNone Trap = iota
	// TrapFuelExhausted: the fuel budget given to the run was spent.
	TrapFuelExhausted
	// TrapCallDepth: a local call would exceed MaxCallDepth frames.
	TrapCallDepth
	// TrapBadHelper: callx named a helper id that is not registered.
	TrapBadHelper
	// TrapHelper: a helper returned an error (the cause is wrapped with it).
	TrapHelper
	// TrapMemory: a helper was given a (pointer, length) outside the memory
	// it may read or write.
	TrapMemory
	// TrapInterrupted: the run was interrupted from another goroutine.
	TrapInterrupted
	// TrapMemoryBudget: a helper would exceed the host memory budget of the
	// run (raised by helpers that allocate on the host).
	TrapMemoryBudget
)

var trapText = [...]string{
	TrapNone:          "no trap",
	TrapFuelExhausted: "fuel exhausted",
	TrapCallDepth:     "call depth limit exceeded",
	TrapBadHelper:     "call to unregistered helper",
	TrapHelper:        "helper error",
	TrapMemory:        "memory access out of bounds",
	TrapInterrupted:   "interrupted",
	TrapMemoryBudget:  "memory budget exceeded",
}

// Error returns the trap's description.
func (t Trap) Error() string { return t.String() }

// String returns the trap's description.
func (t Trap) String() string {
	if int(t) < len(trapText) {
		return trapText[t]
	}
	return "unknown trap"
}
