package amd64

import (
	"fmt"
	"sort"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/jit/execmem"
)

// Code is a compiled program mapped executable.
type Code struct {
	mem      *execmem.Mem
	pcOffset []int32 // by slot; -1 for the second slot of lddw
	starts   []int32 // code offsets of enterable slots, ascending
	slots    []int   // the slot of each entry of starts
}

// CompileMapped compiles insns (as Compile) straight into executable
// memory: the machine code is written into a fresh read+write mapping
// that is then made read+execute, without a copy on the Go heap
// (opts.Output is replaced).
func CompileMapped(insns []bpf.Instruction, opts Options) (*Code, error) {
	var mem *execmem.Mem
	opts.Output = func(n int) ([]byte, error) {
		var err error
		mem, err = execmem.Alloc(n)
		if err != nil {
			return nil, err
		}
		return mem.Writable(), nil
	}
	p, err := Compile(insns, opts)
	if err == nil && mem == nil {
		err = fmt.Errorf("jit: no code was written")
	}
	if err == nil {
		err = mem.Seal()
	}
	if err != nil {
		if mem != nil {
			_ = mem.Free()
		}
		return nil, err
	}
	return newCode(mem, p.PCOffset), nil
}

// newCode indexes the code of a program mapped at mem.
func newCode(mem *execmem.Mem, pcOffset []int32) *Code {
	c := &Code{mem: mem, pcOffset: pcOffset}
	c.starts = make([]int32, 0, len(pcOffset))
	c.slots = make([]int, 0, len(pcOffset))
	for pc, off := range pcOffset {
		if off >= 0 {
			c.starts = append(c.starts, off)
			c.slots = append(c.slots, pc)
		}
	}
	return c
}

// Addr returns the native address of the code of instruction slot pc, to
// store in abi.State.Resume before the first Enter.
func (c *Code) Addr(pc int) (uint64, error) {
	if pc < 0 || pc >= len(c.pcOffset) || c.pcOffset[pc] < 0 {
		return 0, fmt.Errorf("jit: slot %d does not start an instruction", pc)
	}
	return uint64(c.mem.Addr()) + uint64(c.pcOffset[pc]), nil
}

// PC returns the instruction slot whose code contains the native address
// addr (for example State.Resume after an exit), or -1.
func (c *Code) PC(addr uint64) int {
	base := uint64(c.mem.Addr())
	if addr < base || addr >= base+uint64(c.mem.Size()) {
		return -1
	}
	off := int32(addr - base)
	// The last slot whose code starts at or before off (starts are
	// strictly increasing: every slot has code).
	i := sort.Search(len(c.starts), func(i int) bool { return c.starts[i] > off }) - 1
	if i < 0 {
		return -1
	}
	return c.slots[i]
}

// Enter runs the code from State.Resume until it exits to Go; State.Exit
// says why. base is the cage base; the abi.State at base+StateAddr must
// have its registers, fuel, depth and resume address set.
func (c *Code) Enter(base unsafe.Pointer) {
	enter(base, c.mem.Addr())
}

// Size returns the size of the machine code in bytes.
func (c *Code) Size() int { return c.mem.Size() }

// Free unmaps the code; it must not run afterwards.
func (c *Code) Free() error { return c.mem.Free() }
