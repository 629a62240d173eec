package vm

import (
	"bytes"
	"math"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// ConformanceObject returns prog in the execution environment the
// conformance corpora assume (testdata/README.md §3): r1 points to a
// writable copy of mem and r2 is its length, or both are 0 without mem.
// Calldata is read-only in zeroserve's ABI, so mem becomes a writable .data
// section and a three-slot prologue (lddw r1, .data; mov r2, len) is put in
// front of prog; jumps and local calls are relative, so prog is unchanged.
// Run the result's entry 0 with no calldata.
func ConformanceObject(prog []bpf.Instruction, mem []byte) *bpf.Object {
	obj := &bpf.Object{Insns: prog}
	if len(mem) > 0 {
		obj.Insns = append([]bpf.Instruction{
			{OpCode: bpf.OpLDDW, Dst: bpf.R1}, {},
			{OpCode: bpf.OpCode(bpf.ClassALU64) | bpf.OpCode(bpf.ALUMov), Dst: bpf.R2, Imm: int32(len(mem))},
		}, prog...)
		obj.Data = []bpf.DataSection{{Name: ".data", Size: uint64(len(mem)), Align: 8, Writable: true, Contents: mem}}
		obj.DataRefs = []bpf.DataRef{{Slot: 0, Section: 0}}
	}
	obj.Sections = []bpf.CodeSection{{Name: "conformance", Start: 0, Len: len(obj.Insns)}}
	return obj
}

// RegisterConformanceHelpers registers the helpers the eBPF conformance
// corpora call by number (testdata/README.md §4, uBPF's test plugin): 0
// gather_bytes, 1 memfrob, 2 no_op, 3 sqrti, 4 strcmp_ext, 5 unwind. The
// conformance test and `zeroserve bpf conformance` use them; they are not
// part of the plugin ABI.
func RegisterConformanceHelpers(h *Helpers) error {
	for _, c := range []struct {
		id   uint32
		name string
		fn   HelperFunc
	}{
		{0, "gather_bytes", gatherBytes},
		{1, "memfrob", memfrob},
		{2, "no_op", func(*Context, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, nil }},
		{3, "sqrti", func(_ *Context, r1, _, _, _, _ uint64) (uint64, error) { return uint64(math.Sqrt(float64(r1))), nil }},
		{4, "strcmp_ext", strcmpExt},
		{5, "unwind", unwind},
	} {
		if err := h.RegisterID(c.id, c.name, c.fn); err != nil {
			return err
		}
	}
	return nil
}

// gatherBytes returns the low bytes of r1–r5 packed big-endian into 40 bits.
func gatherBytes(_ *Context, r1, r2, r3, r4, r5 uint64) (uint64, error) {
	return (r1&0xff)<<32 | (r2&0xff)<<24 | (r3&0xff)<<16 | (r4&0xff)<<8 | r5&0xff, nil
}

// memfrob XORs the r2 bytes at r1 with 42.
func memfrob(c *Context, r1, r2, _, _, _ uint64) (uint64, error) {
	b, err := c.Write(r1, r2)
	if err != nil {
		return 0, err
	}
	for i := range b {
		b[i] ^= 42
	}
	return 0, nil
}

// strcmpExt compares the NUL-terminated strings at r1 and r2 like C strcmp.
func strcmpExt(c *Context, r1, r2, _, _, _ uint64) (uint64, error) {
	a, err := cString(c, r1)
	if err != nil {
		return 0, err
	}
	b, err := cString(c, r2)
	if err != nil {
		return 0, err
	}
	for i := 0; ; i++ {
		x, y := at(a, i), at(b, i)
		if x != y || x == 0 {
			return uint64(int64(x) - int64(y)), nil
		}
	}
}

func at(s []byte, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// cString returns the bytes at addr up to (not including) the first NUL.
func cString(c *Context, addr uint64) ([]byte, error) {
	rest, err := c.Read(addr, c.cage.layout.Size-min(addr, c.cage.layout.Size))
	if err != nil {
		return nil, err
	}
	n := bytes.IndexByte(rest, 0)
	if n < 0 {
		return nil, &MemoryError{Addr: addr, Len: uint64(len(rest))}
	}
	return rest[:n], nil
}

// unwind returns r1 and, as uBPF's unwind extension, ends the program with
// result 0 when r1 is 0.
func unwind(_ *Context, r1, _, _, _, _ uint64) (uint64, error) {
	if r1 == 0 {
		return 0, ErrExit
	}
	return r1, nil
}
