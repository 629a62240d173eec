package amd64

import (
	"fmt"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
	"github.com/zeroserve/zeroserve/internal/vm/jit/execmem"
)

// Code is a compiled program mapped executable.
type Code struct {
	mem      *execmem.Mem
	pcOffset []int32
}

// Map copies p's machine code into executable memory.
func Map(p *Program) (*Code, error) {
	mem, err := execmem.Map(p.Code)
	if err != nil {
		return nil, err
	}
	return &Code{mem: mem, pcOffset: p.PCOffset}, nil
}

// Addr returns the native address of the code of instruction slot pc, to
// store in abi.State.Resume before the first Enter.
func (c *Code) Addr(pc int) (uint64, error) {
	if pc < 0 || pc >= len(c.pcOffset) || c.pcOffset[pc] < 0 {
		return 0, fmt.Errorf("jit: slot %d does not start an instruction", pc)
	}
	return uint64(c.mem.Addr()) + uint64(c.pcOffset[pc]), nil
}

// Enter runs the code from st.Resume until it exits to Go; st.Exit says why.
// st must have its registers, cage base, masks, fuel and depth set.
func (c *Code) Enter(st *abi.State) {
	enter(unsafe.Pointer(st), c.mem.Addr())
}

// Size returns the size of the machine code in bytes.
func (c *Code) Size() int { return c.mem.Size() }

// Free unmaps the code; it must not run afterwards.
func (c *Code) Free() error { return c.mem.Free() }
