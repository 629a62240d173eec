package compile

import (
	"fmt"
	"slices"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// Label names a position in the code being emitted.
type Label int

// Emitter builds a bpf.Object instruction by instruction: code sections,
// labels with forward references, local functions, calls of helpers by
// name and read-only data (interned byte strings, loaded with lddw). It is
// the one place that knows the encoding; the route compiler above it only
// says what to do.
type Emitter struct {
	obj      bpf.Object
	labels   []int // slot of each label, -1 until bound
	fixups   []fixup
	rodata   []byte
	interned map[string]uint64
	helpers  map[string]int32
	section  int // index in obj.Sections of the open section, -1 if none
	err      error
}

// fixup is a jump or call at slot whose target is a label.
type fixup struct {
	slot  int
	label Label
	call  bool // a local call: the offset goes in Imm, else in Offset
}

// rodataName is the read-only data section every interned string lives in.
const rodataName = ".rodata"

// NewEmitter returns an empty emitter.
func NewEmitter() *Emitter {
	return &Emitter{interned: map[string]uint64{}, helpers: map[string]int32{}, section: -1}
}

// Grow reserves room for about n more instructions (with their jumps,
// labels, helper calls and data references), so that emitting a large
// program does not regrow its slices.
func (e *Emitter) Grow(n int) {
	e.obj.Insns = slices.Grow(e.obj.Insns, n)
	e.fixups = slices.Grow(e.fixups, n*3/8)
	e.labels = slices.Grow(e.labels, n*3/8)
	e.obj.HelperCalls = slices.Grow(e.obj.HelperCalls, n/11)
	e.obj.DataRefs = slices.Grow(e.obj.DataRefs, n/11)
}

// Section starts a new code section (an entrypoint such as
// "zeroserve.request", or ".text" for functions only called).
func (e *Emitter) Section(name string) {
	e.closeSection()
	kind, _, err := bpf.ParseEntryName(name)
	if err != nil {
		e.fail(err)
		return
	}
	e.obj.Sections = append(e.obj.Sections, bpf.CodeSection{Name: name, Kind: kind, Start: len(e.obj.Insns)})
	e.section = len(e.obj.Sections) - 1
}

func (e *Emitter) closeSection() {
	if e.section >= 0 {
		s := &e.obj.Sections[e.section]
		s.Len = len(e.obj.Insns) - s.Start
	}
}

func (e *Emitter) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// NewLabel returns an unbound label.
func (e *Emitter) NewLabel() Label {
	e.labels = append(e.labels, -1)
	return Label(len(e.labels) - 1)
}

// Bind places l at the next instruction.
func (e *Emitter) Bind(l Label) {
	if e.labels[l] >= 0 {
		e.fail(fmt.Errorf("compile: label %d bound twice", l))
	}
	e.labels[l] = len(e.obj.Insns)
}

// Func binds l at the next instruction and records a function symbol name
// there (for the disassembler and llvm-objdump).
func (e *Emitter) Func(l Label, name string) {
	e.Bind(l)
	e.obj.Funcs = append(e.obj.Funcs, bpf.Func{Name: name, Slot: len(e.obj.Insns)})
}

// Emit appends one instruction slot.
func (e *Emitter) Emit(ins bpf.Instruction) {
	if e.section < 0 {
		e.fail(fmt.Errorf("compile: instruction outside a section"))
	}
	e.obj.Insns = append(e.obj.Insns, ins)
}

// Mov64Imm emits dst = imm (sign-extended).
func (e *Emitter) Mov64Imm(dst bpf.Register, imm int32) {
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassALU64, bpf.SrcK, bpf.ALUMov), Dst: dst, Imm: imm})
}

// Mov64Reg emits dst = src.
func (e *Emitter) Mov64Reg(dst, src bpf.Register) {
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassALU64, bpf.SrcX, bpf.ALUMov), Dst: dst, Src: src})
}

// LoadImm64 emits the two-slot dst = v.
func (e *Emitter) LoadImm64(dst bpf.Register, v uint64) {
	w := bpf.LDDW(dst, v)
	e.Emit(w[0])
	e.Emit(w[1])
}

// LoadString emits r = address of the interned bytes s (in read-only
// data) and rlen = len(s).
func (e *Emitter) LoadString(r, rlen bpf.Register, s string) {
	off, ok := e.interned[s]
	if !ok {
		off = uint64(len(e.rodata))
		e.rodata = append(e.rodata, s...)
		e.rodata = append(e.rodata, 0) // NUL, so C-string helpers also work
		e.interned[s] = off
	}
	e.obj.DataRefs = append(e.obj.DataRefs, bpf.DataRef{Slot: len(e.obj.Insns), Section: 0, Offset: off})
	e.LoadImm64(r, off)
	e.Mov64Imm(rlen, int32(len(s)))
}

// CallHelper emits a call of the helper name (arguments in r1–r5, result
// in r0).
func (e *Emitter) CallHelper(name string) {
	idx, ok := e.helpers[name]
	if !ok {
		idx = int32(len(e.obj.Helpers))
		e.helpers[name] = idx
		e.obj.Helpers = append(e.obj.Helpers, name)
	}
	e.obj.HelperCalls = append(e.obj.HelperCalls, bpf.HelperCall{Slot: len(e.obj.Insns), Name: name})
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassJMP, bpf.SrcK, bpf.JumpCall), Src: bpf.CallHelper, Imm: idx})
}

// Call emits a local call of the function at label l.
func (e *Emitter) Call(l Label) {
	e.fixups = append(e.fixups, fixup{slot: len(e.obj.Insns), label: l, call: true})
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassJMP, bpf.SrcK, bpf.JumpCall), Src: bpf.CallLocal})
}

// Jump emits an unconditional jump to l.
func (e *Emitter) Jump(l Label) {
	e.fixups = append(e.fixups, fixup{slot: len(e.obj.Insns), label: l})
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassJMP, bpf.SrcK, bpf.JumpJA)})
}

// JumpImm emits "if dst <jop> imm goto l" (64-bit compare).
func (e *Emitter) JumpImm(jop bpf.JumpOp, dst bpf.Register, imm int32, l Label) {
	e.fixups = append(e.fixups, fixup{slot: len(e.obj.Insns), label: l})
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassJMP, bpf.SrcK, jop), Dst: dst, Imm: imm})
}

// Exit emits exit (r0 is the result).
func (e *Emitter) Exit() {
	e.Emit(bpf.Instruction{OpCode: op(bpf.ClassJMP, bpf.SrcK, bpf.JumpExit)})
}

func op[T bpf.ALUOp | bpf.JumpOp](class bpf.Class, src bpf.Source, code T) bpf.OpCode {
	return bpf.OpCode(byte(class) | byte(src) | byte(code))
}

// Object resolves labels and returns the finished object. The emitter
// must not be used afterwards.
func (e *Emitter) Object() (*bpf.Object, error) {
	e.closeSection()
	if e.err != nil {
		return nil, e.err
	}
	for _, f := range e.fixups {
		target := e.labels[f.label]
		if target < 0 {
			return nil, fmt.Errorf("compile: label %d used but never bound", f.label)
		}
		rel := target - (f.slot + 1)
		if f.call {
			e.obj.Insns[f.slot].Imm = int32(rel)
			continue
		}
		if rel < -1<<15 || rel >= 1<<15 {
			return nil, fmt.Errorf("compile: jump of %d slots does not fit 16 bits", rel)
		}
		e.obj.Insns[f.slot].Offset = int16(rel)
	}
	if len(e.rodata) > 0 {
		e.obj.Data = []bpf.DataSection{{Name: rodataName, Size: uint64(len(e.rodata)), Align: 8, Contents: e.rodata}}
	} else {
		e.obj.DataRefs = nil
	}
	obj := e.obj
	return &obj, nil
}
