package abi

// Fuel bounds the time a program runs (DESIGN §3, "Time: fuel"). It is
// charged at exactly two kinds of places, identically by the interpreter and
// every JIT, so the fuel left after a run is the same on every engine:
//
//   - a taken backward jump (target <= the jump's own slot) costs
//     BackEdgeCost(pc, target): the slots of the loop it closes, roughly
//     the instructions one iteration runs;
//   - every call (local, helper, callx) costs CallCost, charged before the
//     call is made.
//
// Straight-line code is never charged: it is bounded by the program size.
// The charge is one subtraction from State.Fuel and one branch on the sign:
// when State.Fuel goes below zero the engine exits with ExitFuel and Go
// settles the slice. Go hands machine code at most YieldSlice units at a
// time, so a running program returns to Go (where it can be preempted,
// interrupted or stopped) at least every YieldSlice units.
const (
	// CallCost is the fuel charged for each call instruction.
	CallCost = 8
	// YieldSlice is the most fuel machine code gets before it must exit to Go.
	YieldSlice = 1 << 16
)

// BackEdgeCost is the fuel charged when the jump in slot pc to slot target is
// taken; it is zero for forward jumps.
func BackEdgeCost(pc, target int) uint32 {
	if target > pc {
		return 0
	}
	return uint32(pc - target + 1)
}
