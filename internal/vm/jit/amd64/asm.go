// Package amd64 generates x86-64 machine code. This file is the instruction
// encoder: the small subset of x86-64 the eBPF lowering needs, with labels
// and branch relaxation (jumps are short when the target is within ±127
// bytes, near otherwise).
package amd64

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Reg is an x86-64 general-purpose register, numbered as in the ModRM
// encoding (bit 3 goes into a REX prefix).
type Reg uint8

// The sixteen general-purpose registers.
const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

var regNames = [...]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func (r Reg) String() string {
	if int(r) < len(regNames) {
		return regNames[r]
	}
	return fmt.Sprintf("reg%d", r)
}

func (r Reg) low() byte { return byte(r) & 7 }
func (r Reg) ext() byte { return byte(r) >> 3 & 1 }

// Mem is a memory operand [Base + Index + Disp] (scale 1). Index is used
// only when HasIndex is set; it must not be RSP.
type Mem struct {
	Base     Reg
	Index    Reg
	HasIndex bool
	Disp     int32
}

// Cond is an x86 condition code, the low nibble of Jcc.
type Cond uint8

// Condition codes.
const (
	CondB  Cond = 0x2 // unsigned <
	CondAE Cond = 0x3 // unsigned >=
	CondE  Cond = 0x4
	CondNE Cond = 0x5
	CondBE Cond = 0x6 // unsigned <=
	CondA  Cond = 0x7 // unsigned >
	CondS  Cond = 0x8 // sign set
	CondNS Cond = 0x9
	CondL  Cond = 0xc // signed <
	CondGE Cond = 0xd // signed >=
	CondLE Cond = 0xe // signed <=
	CondG  Cond = 0xf // signed >
)

// ALU is a two-operand integer operation; its value is the /digit of the
// 0x81 immediate form, and value*8+1 is the opcode of the r/m, reg form.
type ALU uint8

// Two-operand integer operations.
const (
	ADD ALU = 0
	OR  ALU = 1
	AND ALU = 4
	SUB ALU = 5
	XOR ALU = 6
	CMP ALU = 7
)

// Unary is a one-operand 0xF7 group operation (its /digit).
type Unary uint8

// One-operand operations of the 0xF7 group.
const (
	NOT  Unary = 2
	NEG  Unary = 3
	MUL  Unary = 4 // rdx:rax = rax * r/m, unsigned
	DIV  Unary = 6 // unsigned rdx:rax / r/m
	IDIV Unary = 7 // signed rdx:rax / r/m
)

// Shift is a shift or rotate of the 0xC1/0xD3 group (its /digit).
type Shift uint8

// Shifts and rotates.
const (
	ROL Shift = 0
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// Label names a position in the code; create it with NewLabel and place it
// with Bind.
type Label int32

// Assembler accumulates machine code. Straight-line bytes go to buf; jumps
// are kept aside (their size depends on the distance) and merged in by
// Finish. The zero value is ready to use.
type Assembler struct {
	buf     []byte
	jumps   []jump
	labels  []labelPos
	patches []patch
	err     error
	extra   []int32 // after Finish: extra[k] is the size of jumps[0:k]
}

// jump is a jmp or jcc at buffer offset at (before any bytes emitted later).
// Offsets are 32-bit (Finish rejects larger code), which keeps the
// per-instruction bookkeeping of a large program small.
type jump struct {
	at    int32
	label Label
	cond  Cond // jmpAlways for an unconditional jmp
	long  bool
}

const jmpAlways Cond = 0xff

// labelPos is where a label was bound: a buffer offset and how many jumps
// precede it (a label bound after a jump at the same offset follows it).
type labelPos struct {
	at, njumps int32
	bound      bool
}

// patch is a 32-bit field at buffer offset at that receives the distance
// from the end of the field to label (a RIP-relative displacement).
type patch struct {
	at, njumps int32
	label      Label
}

// NewLabel returns a new, unbound label.
func (a *Assembler) NewLabel() Label {
	a.labels = append(a.labels, labelPos{})
	return Label(len(a.labels) - 1)
}

// Bind places l at the current position.
func (a *Assembler) Bind(l Label) {
	if a.labels[l].bound {
		a.fail(fmt.Errorf("label %d bound twice", l))
		return
	}
	a.labels[l] = labelPos{at: int32(len(a.buf)), njumps: int32(len(a.jumps)), bound: true}
}

// Err returns the first error recorded while assembling.
func (a *Assembler) Err() error { return a.err }

func (a *Assembler) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

// Len returns the number of bytes emitted so far, not counting jumps. It is
// an estimate for size limits, exact only after Finish.
func (a *Assembler) Len() int { return len(a.buf) + 2*len(a.jumps) }

// Finish lays out the code, choosing short or near encodings for jumps, and
// returns the machine code.
func (a *Assembler) Finish() ([]byte, error) { return a.FinishInto(nil) }

// FinishInto is Finish writing the code into the first n bytes of the
// slice output(n) returns, n being the exact size of the code (a nil
// output allocates it).
func (a *Assembler) FinishInto(output func(n int) ([]byte, error)) ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	for i, l := range a.labels {
		if !l.bound {
			return nil, fmt.Errorf("label %d used but never bound", i)
		}
	}
	if int64(len(a.buf))+6*int64(len(a.jumps)) > math.MaxInt32 {
		return nil, fmt.Errorf("code of %d bytes and %d jumps exceeds 2 GiB", len(a.buf), len(a.jumps))
	}
	// extra[k] is the number of bytes taken by jumps[0:k].
	extra := make([]int32, len(a.jumps)+1)
	a.extra = extra
	size := func(j jump) int32 {
		switch {
		case !j.long:
			return 2
		case j.cond == jmpAlways:
			return 5
		default:
			return 6
		}
	}
	layout := func() {
		for k, j := range a.jumps {
			extra[k+1] = extra[k] + size(j)
		}
	}
	labelAt := func(l Label) int32 { p := a.labels[l]; return p.at + extra[p.njumps] }
	layout()
	// Jumps only ever grow, so this terminates: each pass either makes one
	// more jump long or leaves the layout unchanged.
	for changed := true; changed; {
		changed = false
		for k := range a.jumps {
			j := &a.jumps[k]
			if j.long {
				continue
			}
			end := j.at + extra[k] + 2
			if d := labelAt(j.label) - end; d < -128 || d > 127 {
				j.long = true
				changed = true
			}
		}
		if changed {
			layout()
		}
	}
	n := int(int32(len(a.buf)) + extra[len(a.jumps)])
	var out []byte
	if output == nil {
		out = make([]byte, 0, n)
	} else {
		o, err := output(n)
		if err != nil {
			return nil, err
		}
		if len(o) < n {
			return nil, fmt.Errorf("output of %d bytes for %d bytes of code", len(o), n)
		}
		out = o[:0:n] // the appends below fill it in place
	}
	var prev int32
	for _, j := range a.jumps {
		out = append(out, a.buf[prev:j.at]...)
		prev = j.at
		end := int32(len(out)) + size(j)
		d := labelAt(j.label) - end
		switch {
		case !j.long && j.cond == jmpAlways:
			out = append(out, 0xeb, byte(int8(d)))
		case !j.long:
			out = append(out, 0x70|byte(j.cond), byte(int8(d)))
		case j.cond == jmpAlways:
			out = append(out, 0xe9)
			out = binary.LittleEndian.AppendUint32(out, uint32(d))
		default:
			out = append(out, 0x0f, 0x80|byte(j.cond))
			out = binary.LittleEndian.AppendUint32(out, uint32(d))
		}
	}
	out = append(out, a.buf[prev:]...)
	for _, p := range a.patches {
		at := p.at + extra[p.njumps]
		binary.LittleEndian.PutUint32(out[at:], uint32(labelAt(p.label)-(at+4)))
	}
	return out, nil
}

// LabelOffset returns the final offset of a bound label. Valid only after
// a successful Finish.
func (a *Assembler) LabelOffset(l Label) int {
	p := a.labels[l]
	return int(p.at + a.extra[p.njumps])
}

// Jmp emits an unconditional jump to l.
func (a *Assembler) Jmp(l Label) {
	a.jumps = append(a.jumps, jump{at: int32(len(a.buf)), cond: jmpAlways, label: l})
}

// Jcc emits a conditional jump to l.
func (a *Assembler) Jcc(c Cond, l Label) {
	a.jumps = append(a.jumps, jump{at: int32(len(a.buf)), cond: c, label: l})
}

// operand is the r/m operand of an instruction: a register or memory.
type operand struct {
	isMem bool
	reg   Reg
	mem   Mem
}

func regOp(r Reg) operand { return operand{reg: r} }
func memOp(m Mem) operand { return operand{isMem: true, mem: m} }

// enc describes one instruction for emit.
type enc struct {
	lock    bool
	opsize  bool // 0x66 operand-size prefix
	w       bool // REX.W
	byteReg bool // the reg field is an 8-bit register: spl/bpl/sil/dil need a REX
	byteRM  bool // the r/m register is an 8-bit register
	opcode  []byte
}

// emit writes prefixes, REX, opcode, ModRM/SIB/displacement for the
// register field reg (a register or a /digit) and the r/m operand rm.
func (a *Assembler) emit(e enc, reg Reg, rm operand) {
	if e.lock {
		a.buf = append(a.buf, 0xf0)
	}
	if e.opsize {
		a.buf = append(a.buf, 0x66)
	}
	rex := byte(0x40)
	if e.w {
		rex |= 8
	}
	rex |= reg.ext() << 2
	if rm.isMem {
		if rm.mem.HasIndex {
			rex |= rm.mem.Index.ext() << 1
		}
		rex |= rm.mem.Base.ext()
	} else {
		rex |= rm.reg.ext()
	}
	force := e.byteReg && reg >= RSP && reg <= RDI || e.byteRM && !rm.isMem && rm.reg >= RSP && rm.reg <= RDI
	if rex != 0x40 || force {
		a.buf = append(a.buf, rex)
	}
	a.buf = append(a.buf, e.opcode...)
	if !rm.isMem {
		a.buf = append(a.buf, 0xc0|reg.low()<<3|rm.reg.low())
		return
	}
	m := rm.mem
	if m.HasIndex && m.Index == RSP {
		a.fail(fmt.Errorf("rsp cannot be an index register"))
		return
	}
	var mod byte
	switch {
	case m.Disp == 0 && m.Base.low() != 5:
		mod = 0
	case m.Disp >= -128 && m.Disp <= 127:
		mod = 1
	default:
		mod = 2
	}
	if m.HasIndex || m.Base.low() == 4 {
		index := byte(4) // none
		if m.HasIndex {
			index = m.Index.low()
		}
		a.buf = append(a.buf, mod<<6|reg.low()<<3|4, index<<3|m.Base.low())
	} else {
		a.buf = append(a.buf, mod<<6|reg.low()<<3|m.Base.low())
	}
	switch mod {
	case 1:
		a.buf = append(a.buf, byte(int8(m.Disp)))
	case 2:
		a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(m.Disp))
	}
}

func (a *Assembler) imm8(v int8)   { a.buf = append(a.buf, byte(v)) }
func (a *Assembler) imm16(v int16) { a.buf = binary.LittleEndian.AppendUint16(a.buf, uint16(v)) }
func (a *Assembler) imm32(v int32) { a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(v)) }

func fitsInt8(v int32) bool { return v >= -128 && v <= 127 }

// AluRR emits `op dst, src` on 64-bit (w) or 32-bit registers.
func (a *Assembler) AluRR(op ALU, w bool, dst, src Reg) {
	a.emit(enc{w: w, opcode: []byte{byte(op)<<3 | 1}}, src, regOp(dst))
}

// AluRI emits `op dst, imm` (imm sign-extended to the operand size).
func (a *Assembler) AluRI(op ALU, w bool, dst Reg, imm int32) {
	if fitsInt8(imm) {
		a.emit(enc{w: w, opcode: []byte{0x83}}, Reg(op), regOp(dst))
		a.imm8(int8(imm))
		return
	}
	if dst == RAX { // the one-byte-shorter accumulator form
		if w {
			a.buf = append(a.buf, 0x48)
		}
		a.buf = append(a.buf, byte(op)<<3|5)
		a.imm32(imm)
		return
	}
	a.emit(enc{w: w, opcode: []byte{0x81}}, Reg(op), regOp(dst))
	a.imm32(imm)
}

// AluMI emits `op qword/dword [m], imm`.
func (a *Assembler) AluMI(op ALU, w bool, m Mem, imm int32) {
	if fitsInt8(imm) {
		a.emit(enc{w: w, opcode: []byte{0x83}}, Reg(op), memOp(m))
		a.imm8(int8(imm))
		return
	}
	a.emit(enc{w: w, opcode: []byte{0x81}}, Reg(op), memOp(m))
	a.imm32(imm)
}

// MovRR emits `mov dst, src`; the 32-bit form zero-extends into the upper half.
func (a *Assembler) MovRR(w bool, dst, src Reg) {
	a.emit(enc{w: w, opcode: []byte{0x89}}, src, regOp(dst))
}

// MovRI loads a 64-bit constant into dst with the shortest encoding.
func (a *Assembler) MovRI(dst Reg, v int64) {
	switch {
	case v >= 0 && v <= 0xffffffff: // mov r32, imm32 zero-extends
		if dst.ext() != 0 {
			a.buf = append(a.buf, 0x41)
		}
		a.buf = append(a.buf, 0xb8+dst.low())
		a.imm32(int32(uint32(v)))
	case v >= -1<<31 && v < 1<<31: // mov r/m64, imm32 sign-extends
		a.emit(enc{w: true, opcode: []byte{0xc7}}, 0, regOp(dst))
		a.imm32(int32(v))
	default:
		a.buf = append(a.buf, 0x48|dst.ext(), 0xb8+dst.low())
		a.buf = binary.LittleEndian.AppendUint64(a.buf, uint64(v))
	}
}

// TestRR emits `test a, b`.
func (a *Assembler) TestRR(w bool, x, y Reg) {
	a.emit(enc{w: w, opcode: []byte{0x85}}, y, regOp(x))
}

// TestRI emits `test r, imm` (imm sign-extended for the 64-bit form).
func (a *Assembler) TestRI(w bool, r Reg, imm int32) {
	if r == RAX {
		if w {
			a.buf = append(a.buf, 0x48)
		}
		a.buf = append(a.buf, 0xa9)
		a.imm32(imm)
		return
	}
	a.emit(enc{w: w, opcode: []byte{0xf7}}, 0, regOp(r))
	a.imm32(imm)
}

// ImulRR emits `imul dst, src` (the low half of the product).
func (a *Assembler) ImulRR(w bool, dst, src Reg) {
	a.emit(enc{w: w, opcode: []byte{0x0f, 0xaf}}, dst, regOp(src))
}

// ImulRRI emits `imul dst, src, imm`.
func (a *Assembler) ImulRRI(w bool, dst, src Reg, imm int32) {
	a.emit(enc{w: w, opcode: []byte{0x69}}, dst, regOp(src))
	a.imm32(imm)
}

// UnaryR emits a 0xF7-group operation on r (not, neg, mul, div, idiv).
func (a *Assembler) UnaryR(op Unary, w bool, r Reg) {
	a.emit(enc{w: w, opcode: []byte{0xf7}}, Reg(op), regOp(r))
}

// ShiftCL emits `op r, cl`.
func (a *Assembler) ShiftCL(op Shift, w bool, r Reg) {
	a.emit(enc{w: w, opcode: []byte{0xd3}}, Reg(op), regOp(r))
}

// ShiftRI emits `op r, imm8`.
func (a *Assembler) ShiftRI(op Shift, w bool, r Reg, n uint8) {
	a.emit(enc{w: w, opcode: []byte{0xc1}}, Reg(op), regOp(r))
	a.imm8(int8(n))
}

// Rol16 emits `rol r16, 8`, which swaps the two low bytes of r.
func (a *Assembler) Rol16(r Reg) {
	a.emit(enc{opsize: true, opcode: []byte{0xc1}}, Reg(ROL), regOp(r))
	a.imm8(8)
}

// Cqo emits cqo (w) or cdq: sign-extend rax into rdx.
func (a *Assembler) Cqo(w bool) {
	if w {
		a.buf = append(a.buf, 0x48)
	}
	a.buf = append(a.buf, 0x99)
}

// Bswap emits `bswap r` (32- or 64-bit).
func (a *Assembler) Bswap(w bool, r Reg) {
	rex := byte(0x40) | r.ext()
	if w {
		rex |= 8
	}
	if rex != 0x40 {
		a.buf = append(a.buf, rex)
	}
	a.buf = append(a.buf, 0x0f, 0xc8+r.low())
}

// MovzxRR zero-extends the low size (1 or 2) bytes of src into dst.
func (a *Assembler) MovzxRR(size int, dst, src Reg) {
	op := byte(0xb6)
	if size == 2 {
		op = 0xb7
	}
	a.emit(enc{byteRM: size == 1, opcode: []byte{0x0f, op}}, dst, regOp(src))
}

// MovsxRR sign-extends the low size (1, 2 or 4) bytes of src into dst
// (a 64-bit result when w, else 32-bit).
func (a *Assembler) MovsxRR(w bool, size int, dst, src Reg) {
	switch size {
	case 1:
		a.emit(enc{w: w, byteRM: true, opcode: []byte{0x0f, 0xbe}}, dst, regOp(src))
	case 2:
		a.emit(enc{w: w, opcode: []byte{0x0f, 0xbf}}, dst, regOp(src))
	default:
		a.emit(enc{w: true, opcode: []byte{0x63}}, dst, regOp(src))
	}
}

// Load emits a zero-extending load of size bytes (1, 2, 4 or 8) from m.
func (a *Assembler) Load(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.emit(enc{opcode: []byte{0x0f, 0xb6}}, dst, memOp(m))
	case 2:
		a.emit(enc{opcode: []byte{0x0f, 0xb7}}, dst, memOp(m))
	case 4:
		a.emit(enc{opcode: []byte{0x8b}}, dst, memOp(m))
	default:
		a.emit(enc{w: true, opcode: []byte{0x8b}}, dst, memOp(m))
	}
}

// LoadSX emits a sign-extending 64-bit load of size bytes (1, 2 or 4) from m.
func (a *Assembler) LoadSX(size int, dst Reg, m Mem) {
	switch size {
	case 1:
		a.emit(enc{w: true, opcode: []byte{0x0f, 0xbe}}, dst, memOp(m))
	case 2:
		a.emit(enc{w: true, opcode: []byte{0x0f, 0xbf}}, dst, memOp(m))
	default:
		a.emit(enc{w: true, opcode: []byte{0x63}}, dst, memOp(m))
	}
}

// Store emits a store of the low size bytes (1, 2, 4 or 8) of src to m.
func (a *Assembler) Store(size int, m Mem, src Reg) {
	switch size {
	case 1:
		a.emit(enc{byteReg: true, opcode: []byte{0x88}}, src, memOp(m))
	case 2:
		a.emit(enc{opsize: true, opcode: []byte{0x89}}, src, memOp(m))
	case 4:
		a.emit(enc{opcode: []byte{0x89}}, src, memOp(m))
	default:
		a.emit(enc{w: true, opcode: []byte{0x89}}, src, memOp(m))
	}
}

// StoreImm emits a store of imm (truncated to size bytes; sign-extended for
// size 8) to m.
func (a *Assembler) StoreImm(size int, m Mem, imm int32) {
	switch size {
	case 1:
		a.emit(enc{opcode: []byte{0xc6}}, 0, memOp(m))
		a.imm8(int8(imm))
	case 2:
		a.emit(enc{opsize: true, opcode: []byte{0xc7}}, 0, memOp(m))
		a.imm16(int16(imm))
	case 4:
		a.emit(enc{opcode: []byte{0xc7}}, 0, memOp(m))
		a.imm32(imm)
	default:
		a.emit(enc{w: true, opcode: []byte{0xc7}}, 0, memOp(m))
		a.imm32(imm)
	}
}

// LeaLabel emits `lea dst, [rip + l]`: dst receives the address of l.
func (a *Assembler) LeaLabel(dst Reg, l Label) {
	a.buf = append(a.buf, 0x48|dst.ext()<<2, 0x8d, dst.low()<<3|5)
	a.patches = append(a.patches, patch{at: int32(len(a.buf)), njumps: int32(len(a.jumps)), label: l})
	a.imm32(0)
}

// Lea emits `lea dst, [m]` (64-bit).
func (a *Assembler) Lea(dst Reg, m Mem) {
	a.emit(enc{w: true, opcode: []byte{0x8d}}, dst, memOp(m))
}

// LockAlu emits `lock op [m], src` for add, or, and, xor.
func (a *Assembler) LockAlu(op ALU, w bool, m Mem, src Reg) {
	a.emit(enc{lock: true, w: w, opcode: []byte{byte(op)<<3 | 1}}, src, memOp(m))
}

// LockXadd emits `lock xadd [m], src`: src receives the old value.
func (a *Assembler) LockXadd(w bool, m Mem, src Reg) {
	a.emit(enc{lock: true, w: w, opcode: []byte{0x0f, 0xc1}}, src, memOp(m))
}

// Xchg emits `xchg [m], src` (implicitly locked).
func (a *Assembler) Xchg(w bool, m Mem, src Reg) {
	a.emit(enc{w: w, opcode: []byte{0x87}}, src, memOp(m))
}

// LockCmpxchg emits `lock cmpxchg [m], src`, comparing with rax/eax.
func (a *Assembler) LockCmpxchg(w bool, m Mem, src Reg) {
	a.emit(enc{lock: true, w: w, opcode: []byte{0x0f, 0xb1}}, src, memOp(m))
}

// MovRM emits a 64-bit (w) or 32-bit load `mov dst, [m]`.
func (a *Assembler) MovRM(w bool, dst Reg, m Mem) {
	a.emit(enc{w: w, opcode: []byte{0x8b}}, dst, memOp(m))
}

// MovMR emits a 64-bit (w) or 32-bit store `mov [m], src`.
func (a *Assembler) MovMR(w bool, m Mem, src Reg) {
	a.emit(enc{w: w, opcode: []byte{0x89}}, src, memOp(m))
}

// JmpR emits `jmp r` (an indirect jump).
func (a *Assembler) JmpR(r Reg) {
	a.emit(enc{opcode: []byte{0xff}}, 4, regOp(r))
}

// Ret emits ret.
func (a *Assembler) Ret() { a.buf = append(a.buf, 0xc3) }

// Nop emits a one-byte nop.
func (a *Assembler) Nop() { a.buf = append(a.buf, 0x90) }

// Ud2 emits ud2, an instruction that always faults: padding that must never run.
func (a *Assembler) Ud2() { a.buf = append(a.buf, 0x0f, 0x0b) }
