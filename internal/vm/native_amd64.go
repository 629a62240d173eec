//go:build amd64

package vm

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
	"github.com/zeroserve/zeroserve/internal/vm/jit/amd64"
)

// nativeCode is the JIT-compiled form of a program on this architecture.
type nativeCode = amd64.Code

// hasJIT reports whether this build has a JIT.
const hasJIT = true

// compileNative JIT-compiles the program's linked code. The machine code is
// unmapped when the Program becomes unreachable (contexts keep it alive).
func (p *Program) compileNative(codeSizeLimit int) error {
	limit := codeSizeLimit
	if limit <= 0 {
		limit = DefaultCodeSizeLimit
	}
	code, err := amd64.CompileMapped(p.insns, amd64.Options{
		LoadMask:  p.layout.LoadMask(),
		StoreMask: p.layout.StoreMask(),
		StateAddr: p.layout.StateAddr(),
		// Machine code is a few times larger than bytecode; bound it
		// relative to the bytecode limit.
		MaxCodeSize: 16 * limit,
	})
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	p.native = code
	runtime.AddCleanup(p, func(c *amd64.Code) { c.Free() }, code)
	return nil
}

// runNative runs the JIT-compiled code from slot pc: it enters the machine
// code and serves its exits (helper calls, fuel slices, traps) until the
// program returns. The contract is in package vm/abi.
func (c *Context) runNative(pc int) (uint64, error) {
	code := c.prog.native
	addr, err := code.Addr(pc)
	if err != nil {
		return 0, fmt.Errorf("run: %w", err)
	}
	st := c.st
	st.Resume = addr
	for {
		code.Enter(c.cage.base)
		switch st.Exit.Kind() {
		case abi.ExitReturn:
			return st.Regs[0], nil
		case abi.ExitHelper:
			id := st.Exit.Arg()
			// The call precedes the resume point; the slot is looked up
			// only for an error (a binary search per call costs ~100 ns).
			at := func() int { return code.PC(st.Resume) - 1 }
			if int(id) >= len(c.prog.helpers) || c.prog.helpers[id].Func == nil {
				return 0, &RunError{Trap: abi.TrapBadHelper, PC: at(), Err: errBadHelperID(uint64(id))}
			}
			h := &c.prog.helpers[id]
			r := &st.Regs
			v, herr := h.Func(c, r[1], r[2], r[3], r[4], r[5])
			if herr != nil {
				if errors.Is(herr, ErrExit) {
					return v, nil
				}
				return 0, c.trap(herr, at(), h.Name)
			}
			r[0] = v
		case abi.ExitFuel:
			next, err := c.settleFuel(st.Fuel)
			if err != nil {
				return 0, c.trap(err, code.PC(st.Resume), "")
			}
			st.Fuel = next
		case abi.ExitTrap:
			t := abi.Trap(st.Exit.Arg())
			var cause error
			if t == abi.TrapBadHelper {
				cause = errBadHelperID(st.Regs[c.prog.insns[code.PC(st.Resume)].Dst])
			}
			return 0, &RunError{Trap: t, PC: code.PC(st.Resume), Err: cause}
		default:
			return 0, fmt.Errorf("BUG: machine code exited with %v", st.Exit)
		}
	}
}
