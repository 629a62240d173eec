package abi

import "fmt"

// ExitCode tells the Go run loop why machine code returned to it. The low
// byte is the kind; the bits above it carry the kind's argument: the helper id
// for ExitHelper, the Trap for ExitTrap. Machine code stores it in
// State.Exit (OffsetExit) before it returns.
type ExitCode uint64

// Exit kinds. After each one Go does the following:
const (
	// ExitReturn: the outermost frame executed exit; r0 is in State.Regs[0].
	// Go returns r0 to the caller.
	ExitReturn ExitCode = iota
	// ExitHelper: the program calls helper Arg() with r1–r5 in State.Regs.
	// Go runs the helper, stores its result in Regs[0] and re-enters at
	// State.Resume.
	ExitHelper
	// ExitFuel: State.Fuel went below zero at a back-edge or a call. Go
	// settles the fuel slice (see Fuel in fuel.go), checks for interruption,
	// refills State.Fuel and re-enters at State.Resume, or traps.
	ExitFuel
	// ExitTrap: the program trapped with Trap(Arg()). Go returns the trap.
	ExitTrap
)

// MakeExit combines an exit kind and its argument.
func MakeExit(kind ExitCode, arg uint32) ExitCode { return kind | ExitCode(arg)<<8 }

// Kind returns the exit kind (the low byte).
func (e ExitCode) Kind() ExitCode { return e & 0xff }

// Arg returns the kind's argument (the bits above the low byte).
func (e ExitCode) Arg() uint32 { return uint32(e >> 8) }

// String names the exit, e.g. "helper(3)" or "trap(fuel exhausted)".
func (e ExitCode) String() string {
	switch e.Kind() {
	case ExitReturn:
		return "return"
	case ExitHelper:
		return fmt.Sprintf("helper(%d)", e.Arg())
	case ExitFuel:
		return "fuel"
	case ExitTrap:
		return fmt.Sprintf("trap(%v)", Trap(e.Arg()))
	}
	return fmt.Sprintf("ExitCode(%#x)", uint64(e))
}
