package vm

import (
	"errors"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// Fuel accounting on the Go side (the engine side is described in
// abi/fuel.go). A run's budget is kept here, in Context.fuelLeft; the engine
// only ever sees the current slice, at most abi.YieldSlice units, in
// State.Fuel. When a charge takes State.Fuel below zero the engine calls
// settleFuel (the interpreter directly, a JIT through ExitFuel), which
// deducts what the slice used, traps when the budget is spent, checks for
// an interruption, and hands out the next slice. Returning to Go at least
// every slice is also what lets the Go scheduler and GC stop a JIT'd
// program: settleFuel is a preemption point.
//
// The run traps exactly when the total charged exceeds the budget, so the
// trap point and the fuel left are the same for every engine.

// startFuel sets the budget of a run and hands out the first slice.
func (c *Context) startFuel(budget uint64) {
	c.fuelLeft = int64(min(budget, 1<<62))
	c.slice = min(c.fuelLeft, abi.YieldSlice)
	c.st.Fuel = c.slice
}

// settleFuel is called with the engine's fuel after a charge took it below
// zero; it returns the next slice or a trap.
func (c *Context) settleFuel(fuel int64) (int64, error) {
	c.fuelLeft -= c.slice - fuel
	if c.fuelLeft < 0 {
		c.fuelLeft, c.slice, c.st.Fuel = 0, 0, 0
		return 0, abi.TrapFuelExhausted
	}
	if c.interrupted.Load() {
		return 0, abi.TrapInterrupted
	}
	c.slice = min(c.fuelLeft, abi.YieldSlice)
	return c.slice, nil
}

// FuelLeft returns the fuel the last run did not use.
func (c *Context) FuelLeft() uint64 {
	return uint64(c.fuelLeft - (c.slice - c.st.Fuel))
}

// trap wraps an error raised at pc into a RunError. An error that is or
// wraps an abi.Trap keeps that trap; any other helper error is TrapHelper.
func (c *Context) trap(err error, pc int, helper string) error {
	var t abi.Trap
	if !errors.As(err, &t) {
		t = abi.TrapHelper
	}
	if err == error(t) {
		err = nil
	}
	return &RunError{Trap: t, PC: pc, Helper: helper, Err: err}
}

func errBadHelperID(v uint64) error { return fmt.Errorf("callx: no helper with id %d", v) }

func errBadOp(code opcode) error { return fmt.Errorf("BUG: unexpected interpreter op %d", code) }

// Charge spends n units of the run's fuel for a helper whose work grows
// with its input (hashing, parsing, copying). It returns an error, to be
// returned by the helper, when that exhausts the budget or the run was
// interrupted; the run then traps like any other fuel exhaustion.
func (c *Context) Charge(n uint64) error {
	fuel := c.st.Fuel - int64(min(n, 1<<62))
	if fuel < 0 {
		var err error
		if fuel, err = c.settleFuel(fuel); err != nil {
			return err
		}
	}
	c.st.Fuel = fuel
	return nil
}
