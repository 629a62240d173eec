package vm

import (
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// Context is one execution context of a Program: its cage (stack, data,
// read-only data) and execution state. It runs one entrypoint at a time;
// reuse it (Program.Get and Put) to avoid mapping a cage per run.
//
// Run ABI: r1 points to a read-only copy of the calldata at
// CageLayout.CalldataAddr and r2 is its length (r1 = 0 when there is none);
// r10 is abi.StackTop; every other register is 0; writable memory is zero
// except the program's initial .data. The result is r0 at the outermost
// exit.
type Context struct {
	st          *abi.State // in the cage's mapping (abi.CageLayout.StateAddr)
	prog        *Program
	cage        *cage
	cleanup     runtime.Cleanup
	fuelLeft    int64 // budget not yet handed out or used, see fuel.go
	slice       int64 // size of the slice in st.Fuel
	interrupted atomic.Bool

	// User is free for the caller, typically per-request state its helpers
	// need. Program.Put clears it.
	User any
}

// NewContext maps a new cage for the program.
func (p *Program) NewContext() (*Context, error) {
	cg, err := newCage(p.layout, p.rodata)
	if err != nil {
		return nil, err
	}
	return p.contextIn(cg), nil
}

func (p *Program) contextIn(cg *cage) *Context {
	c := &Context{prog: p, cage: cg, st: cg.state}
	c.st.CageBase = uintptr(cg.base)
	c.st.LoadMask = cg.layout.LoadMask()
	c.st.StoreMask = cg.layout.StoreMask()
	c.cleanup = runtime.AddCleanup(c, func(cg *cage) { cg.close() }, cg)
	return c
}

// Program returns the program the context runs.
func (c *Context) Program() *Program { return c.prog }

// Run runs entry (an index into Program.Entries) with calldata and a fuel
// budget (see abi/fuel.go for what fuel counts) and returns r0. Errors are
// *RunError values matching the abi.Trap raised (errors.Is).
func (c *Context) Run(entry int, calldata []byte, fuel uint64) (uint64, error) {
	if c.cage == nil || c.cage.mem == nil {
		return 0, fmt.Errorf("run: context is closed")
	}
	if entry < 0 || entry >= len(c.prog.entries) {
		return 0, fmt.Errorf("run: entry %d out of range [0, %d)", entry, len(c.prog.entries))
	}
	if len(calldata) > abi.CalldataMax {
		return 0, fmt.Errorf("run: calldata of %d bytes is over the %d-byte limit", len(calldata), abi.CalldataMax)
	}
	pc := c.prog.entries[entry].Slot
	if c.interrupted.Load() {
		return 0, &RunError{Trap: abi.TrapInterrupted, PC: pc}
	}
	c.cage.reset(c.prog.data, calldata, c.prog.stores)
	c.st.Regs = [11]uint64{}
	if len(calldata) > 0 {
		c.st.Regs[1] = c.cage.layout.CalldataAddr
	}
	c.st.Regs[2] = uint64(len(calldata))
	c.st.Regs[10] = abi.StackTop
	c.st.Depth = 0
	c.startFuel(fuel)
	if c.prog.native != nil {
		return c.runNative(pc)
	}
	return c.interpret(pc)
}

// Interrupt makes the context's current (or next) run trap with
// abi.TrapInterrupted at its next fuel slice boundary; it is safe to call
// from any goroutine. Program.Put clears it.
func (c *Context) Interrupt() { c.interrupted.Store(true) }

// Read returns the guest memory [addr, addr+n) for a helper to read: any
// part of the cage. The slice aliases guest memory and is valid only until
// the helper returns. An out-of-range request is a *MemoryError.
func (c *Context) Read(addr, n uint64) ([]byte, error) { return c.cage.read(addr, n) }

// Write returns the guest memory [addr, addr+n) for a helper to write:
// writable memory only (stack, calldata, data). Same rules as Read.
func (c *Context) Write(addr, n uint64) ([]byte, error) { return c.cage.write(addr, n) }

// Close unmaps the context's cage; the context cannot run afterwards.
func (c *Context) Close() error {
	c.cleanup.Stop()
	return c.cage.close()
}
