package amd64

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// Register mapping. eBPF registers live in host registers while machine code
// runs and are spilled to abi.State.Regs at every exit to Go. RCX and R11 are
// scratch. RBP holds the cage base for the whole run (set by the entry
// trampoline); the abi.State sits in the same mapping at Options.StateAddr,
// so [rbp+index] reaches guest memory and [rbp+StateAddr+field] the state.
// R12 holds the fuel slice (abi.State.Fuel) while machine code runs, so a
// back-edge charge is a register subtraction, not a read-modify-write of
// memory (which made the fuel the loop-carried critical path: measured
// 5 cycles per iteration on a 3-instruction dependency chain).
var hostReg = [11]Reg{
	bpf.R0:  RAX,
	bpf.R1:  RDI,
	bpf.R2:  RSI,
	bpf.R3:  RDX,
	bpf.R4:  R8,
	bpf.R5:  R9,
	bpf.R6:  RBX,
	bpf.R7:  R13,
	bpf.R8:  R14,
	bpf.R9:  R15,
	bpf.R10: R10,
}

const (
	regBase  = RBP // cage base; must match entry_amd64.s
	regFuel  = R12 // abi.State.Fuel while machine code runs
	scratch  = RCX
	scratch2 = R11 // also the masked address of memory accesses
)

// Options are what code generation needs besides the program.
type Options struct {
	// LoadMask and StoreMask are the cage masks (abi.CageLayout); both must
	// be below 1<<31 so a 32-bit AND applies them.
	LoadMask, StoreMask uint64
	// StateAddr is the offset of the abi.State from the cage base
	// (abi.CageLayout.StateAddr); below 1<<31.
	StateAddr uint64
	// MaxCodeSize bounds the machine code, in bytes (0: no limit).
	MaxCodeSize int
	// Output, if set, provides the memory the machine code is written
	// into: at least n bytes for n bytes of code (Program.Code is then its
	// first n bytes). Without it the code is allocated.
	Output func(n int) ([]byte, error)
}

// Program is a compiled program before it is mapped executable.
type Program struct {
	// Code is the machine code. Offset 0 is the entry stub: it loads the
	// guest registers from abi.State and jumps to State.Resume.
	Code []byte
	// PCOffset gives, for each instruction slot that can be entered (every
	// slot that starts an instruction), the offset of its code; -1 for the
	// second slot of lddw.
	PCOffset []int32
}

// state returns the memory operand of the abi.State field at offset off.
func (c *compiler) state(off int) Mem {
	return Mem{Base: regBase, Disp: int32(c.opts.StateAddr) + int32(off)}
}

// regSlot returns the memory operand of the saved guest register r.
func (c *compiler) regSlot(r int) Mem { return c.state(abi.OffsetRegs + 8*r) }

// compiler holds the state of one compilation.
type compiler struct {
	a       Assembler
	insns   []bpf.Instruction
	opts    Options
	labels  []Label  // label of each slot
	exit    Label    // common exit stub: spill registers, return to Go
	pending []func() // out-of-line code emitted after the main body
}

// Compile translates a validated program to x86-64 machine code. The
// program must have passed vm's validator: Compile trusts jump targets,
// register numbers and opcodes, and returns an error only for an
// instruction it cannot encode or a code-size overrun.
func Compile(insns []bpf.Instruction, opts Options) (*Program, error) {
	if opts.LoadMask >= 1<<31 || opts.StoreMask >= 1<<31 || opts.StateAddr >= 1<<31-abi.StatePage {
		return nil, fmt.Errorf("jit: cage masks %#x/%#x or state offset %#x too large", opts.LoadMask, opts.StoreMask, opts.StateAddr)
	}
	c := &compiler{insns: insns, opts: opts}
	// Sized from compiled Caddy configs (helper calls dominate): about 37
	// bytes, 1.4 jumps, 1.8 labels, 0.5 RIP patches and 0.3 out-of-line
	// stubs per slot, so the buffers of a large program never regrow.
	c.a.buf = make([]byte, 0, 40*len(insns)+256)
	c.a.labels = make([]labelPos, 0, 2*len(insns)+16)
	c.a.jumps = make([]jump, 0, len(insns)*3/2+16)
	c.a.patches = make([]patch, 0, len(insns)/2+16)
	c.pending = make([]func(), 0, len(insns)/3+16)
	c.labels = make([]Label, len(insns))
	for i := range c.labels {
		c.labels[i] = c.a.NewLabel()
	}
	c.exit = c.a.NewLabel()
	c.entryStub()
	for pc := 0; pc < len(insns); pc++ {
		c.a.Bind(c.labels[pc])
		before := c.a.Len()
		if err := c.lower(pc); err != nil {
			return nil, err
		}
		if c.a.Len() == before {
			// Every slot gets at least one byte (le64 has no code), so a
			// native address maps back to exactly one slot (Code.PC).
			c.a.Nop()
		}
		if insns[pc].OpCode == bpf.OpLDDW {
			pc++
			c.a.Bind(c.labels[pc]) // never a jump target: the validator forbids it
		}
		if opts.MaxCodeSize > 0 && c.a.Len() > opts.MaxCodeSize {
			return nil, fmt.Errorf("jit: machine code exceeds %d bytes at slot %d", opts.MaxCodeSize, pc)
		}
	}
	c.a.Ud2() // the validator forbids falling off the end
	for i := 0; i < len(c.pending); i++ {
		c.pending[i]()
	}
	c.exitStub()
	code, err := c.a.FinishInto(opts.Output)
	if err != nil {
		return nil, fmt.Errorf("jit: %w", err)
	}
	if opts.MaxCodeSize > 0 && len(code) > opts.MaxCodeSize {
		return nil, fmt.Errorf("jit: machine code is %d bytes, over the %d-byte limit", len(code), opts.MaxCodeSize)
	}
	p := &Program{Code: code, PCOffset: make([]int32, len(insns))}
	for pc := range insns {
		p.PCOffset[pc] = int32(c.a.LabelOffset(c.labels[pc]))
		if pc > 0 && insns[pc-1].OpCode == bpf.OpLDDW {
			p.PCOffset[pc] = -1
		}
	}
	return p, nil
}

// entryStub is the code at offset 0: load the guest registers and the
// fuel from the state, then continue at State.Resume.
func (c *compiler) entryStub() {
	for r, h := range hostReg {
		c.a.MovRM(true, h, c.regSlot(r))
	}
	c.a.MovRM(true, regFuel, c.state(abi.OffsetFuel))
	c.a.MovRM(true, scratch, c.state(abi.OffsetResume))
	c.a.JmpR(scratch)
}

// exitStub spills the guest registers to the state and returns to the
// trampoline. State.Exit (and State.Resume when the run continues) are set
// by the code that jumps here.
func (c *compiler) exitStub() {
	c.a.Bind(c.exit)
	for r, h := range hostReg {
		c.a.MovMR(true, c.regSlot(r), h)
	}
	c.a.MovMR(true, c.state(abi.OffsetFuel), regFuel)
	c.a.Ret()
}

// exitWith stores an exit code and, when resume is non-nil, the address to
// continue at, then leaves through the exit stub.
func (c *compiler) exitWith(code abi.ExitCode, resume *Label) {
	if resume != nil {
		c.a.LeaLabel(scratch, *resume)
		c.a.MovMR(true, c.state(abi.OffsetResume), scratch)
	}
	c.setExit(code)
	c.a.Jmp(c.exit)
}

func (c *compiler) setExit(code abi.ExitCode) {
	if uint64(code) < 1<<31 {
		c.a.StoreImm(8, c.state(abi.OffsetExit), int32(code))
		return
	}
	c.a.MovRI(scratch, int64(code))
	c.a.MovMR(true, c.state(abi.OffsetExit), scratch)
}

// trapAt returns the label of an out-of-line sequence that exits with t,
// with State.Resume pointing at the code of slot pc so Go can report where
// the trap happened.
func (c *compiler) trapAt(t abi.Trap, pc int) Label {
	l := c.a.NewLabel()
	c.pending = append(c.pending, func() {
		c.a.Bind(l)
		c.exitWith(abi.MakeExit(abi.ExitTrap, uint32(t)), &c.labels[pc])
	})
	return l
}

// chargeFuel subtracts cost from State.Fuel; when it goes negative the code
// exits with ExitFuel and, once Go has refilled the fuel, resumes at resume.
func (c *compiler) chargeFuel(cost uint32, resume Label) {
	c.a.AluRI(SUB, true, regFuel, int32(cost))
	out := c.a.NewLabel()
	c.a.Jcc(CondS, out)
	c.pending = append(c.pending, func() {
		c.a.Bind(out)
		c.exitWith(abi.MakeExit(abi.ExitFuel, 0), &resume)
	})
}

// cageAddr computes the masked cage offset of [base+off] into scratch2 and
// returns the host memory operand for it.
func (c *compiler) cageAddr(base bpf.Register, off int16, mask uint64) Mem {
	c.a.Lea(scratch2, Mem{Base: hostReg[base], Disp: int32(off)})
	c.a.AluRI(AND, false, scratch2, int32(mask))
	return Mem{Base: regBase, Index: scratch2, HasIndex: true}
}

func (c *compiler) lower(pc int) error {
	ins := c.insns[pc]
	op := ins.OpCode
	switch op.Class() {
	case bpf.ClassALU, bpf.ClassALU64:
		return c.lowerALU(ins)
	case bpf.ClassJMP, bpf.ClassJMP32:
		return c.lowerJump(pc, ins)
	case bpf.ClassLD:
		if op != bpf.OpLDDW || ins.Src != 0 || pc+1 >= len(c.insns) {
			return fmt.Errorf("jit: slot %d: unsupported load %#02x", pc, byte(op))
		}
		v := int64(uint64(uint32(ins.Imm)) | uint64(uint32(c.insns[pc+1].Imm))<<32)
		c.a.MovRI(hostReg[ins.Dst], v)
		return nil
	case bpf.ClassLDX:
		size := op.Size().Bytes()
		m := c.cageAddr(ins.Src, ins.Offset, c.opts.LoadMask)
		switch op.Mode() {
		case bpf.ModeMEM:
			c.a.Load(size, hostReg[ins.Dst], m)
		case bpf.ModeMEMSX:
			c.a.LoadSX(size, hostReg[ins.Dst], m)
		default:
			return fmt.Errorf("jit: slot %d: unsupported load mode %#02x", pc, byte(op))
		}
		return nil
	case bpf.ClassST:
		m := c.cageAddr(ins.Dst, ins.Offset, c.opts.StoreMask)
		c.a.StoreImm(op.Size().Bytes(), m, ins.Imm)
		return nil
	case bpf.ClassSTX:
		switch op.Mode() {
		case bpf.ModeMEM:
			m := c.cageAddr(ins.Dst, ins.Offset, c.opts.StoreMask)
			c.a.Store(op.Size().Bytes(), m, hostReg[ins.Src])
			return nil
		case bpf.ModeATOMIC:
			return c.lowerAtomic(pc, ins)
		}
	}
	return fmt.Errorf("jit: slot %d: unsupported opcode %#02x", pc, byte(op))
}

// lowerAtomic lowers STX ATOMIC. The cage belongs to one execution at a
// time, so no other thread can observe the memory between a load and a
// locked update: fetch-or/and/xor read the old value, then apply a locked
// operation, which is equivalent to the RFC's atomic read-modify-write.
func (c *compiler) lowerAtomic(pc int, ins bpf.Instruction) error {
	w := ins.OpCode.Size() == bpf.SizeDW
	if !w && ins.OpCode.Size() != bpf.SizeW {
		return fmt.Errorf("jit: slot %d: atomic of size %d", pc, ins.OpCode.Size().Bytes())
	}
	src := hostReg[ins.Src]
	m := c.cageAddr(ins.Dst, ins.Offset, c.opts.StoreMask)
	switch ins.Imm {
	case bpf.AtomicAdd:
		c.a.LockAlu(ADD, w, m, src)
	case bpf.AtomicOr:
		c.a.LockAlu(OR, w, m, src)
	case bpf.AtomicAnd:
		c.a.LockAlu(AND, w, m, src)
	case bpf.AtomicXor:
		c.a.LockAlu(XOR, w, m, src)
	case bpf.AtomicAdd | bpf.AtomicFetch:
		c.a.LockXadd(w, m, src)
	case bpf.AtomicOr | bpf.AtomicFetch, bpf.AtomicAnd | bpf.AtomicFetch, bpf.AtomicXor | bpf.AtomicFetch:
		alu := map[int32]ALU{bpf.AtomicOr: OR, bpf.AtomicAnd: AND, bpf.AtomicXor: XOR}[ins.Imm&^bpf.AtomicFetch]
		c.a.MovRM(w, scratch, m)
		c.a.LockAlu(alu, w, m, src)
		c.a.MovRR(true, src, scratch)
	case bpf.AtomicXchg:
		c.a.Xchg(w, m, src)
	case bpf.AtomicCmpXchg:
		c.a.LockCmpxchg(w, m, src)
		if !w {
			c.a.MovRR(false, RAX, RAX) // a successful 32-bit cmpxchg leaves rax's upper half
		}
	default:
		return fmt.Errorf("jit: slot %d: unsupported atomic operation %#x", pc, ins.Imm)
	}
	return nil
}

func (c *compiler) lowerALU(ins bpf.Instruction) error {
	w := ins.OpCode.Class() == bpf.ClassALU64
	dst := hostReg[ins.Dst]
	useReg := ins.OpCode.Source() == bpf.SrcX
	var src Reg
	if useReg {
		src = hostReg[ins.Src]
	}
	binop := func(op ALU) {
		if useReg {
			c.a.AluRR(op, w, dst, src)
		} else {
			c.a.AluRI(op, w, dst, ins.Imm)
		}
	}
	switch ins.OpCode.ALUOp() {
	case bpf.ALUAdd:
		binop(ADD)
	case bpf.ALUSub:
		binop(SUB)
	case bpf.ALUOr:
		binop(OR)
	case bpf.ALUAnd:
		binop(AND)
	case bpf.ALUXor:
		binop(XOR)
	case bpf.ALUMul:
		if useReg {
			c.a.ImulRR(w, dst, src)
		} else {
			c.a.ImulRRI(w, dst, dst, ins.Imm)
		}
	case bpf.ALUMov:
		switch {
		case useReg && ins.Offset == 0:
			c.a.MovRR(w, dst, src)
		case useReg: // movsx; the 32-bit forms zero the upper half
			c.a.MovsxRR(w, int(ins.Offset)/8, dst, src)
		case w:
			c.a.MovRI(dst, int64(ins.Imm))
		default:
			c.a.MovRI(dst, int64(uint32(ins.Imm)))
		}
	case bpf.ALULsh, bpf.ALURsh, bpf.ALUArsh:
		sh := map[bpf.ALUOp]Shift{bpf.ALULsh: SHL, bpf.ALURsh: SHR, bpf.ALUArsh: SAR}[ins.OpCode.ALUOp()]
		if useReg {
			c.a.MovRR(false, scratch, src)
			c.a.ShiftCL(sh, w, dst)
		} else {
			n := uint8(ins.Imm) & 31
			if w {
				n = uint8(ins.Imm) & 63
			}
			c.a.ShiftRI(sh, w, dst, n)
		}
	case bpf.ALUNeg:
		c.a.UnaryR(NEG, w, dst)
	case bpf.ALUDiv, bpf.ALUMod:
		c.lowerDivMod(ins, w)
	case bpf.ALUEnd:
		c.lowerEnd(ins)
	default:
		return fmt.Errorf("jit: unsupported ALU operation %#02x", byte(ins.OpCode))
	}
	return nil
}

// lowerDivMod lowers div, mod, sdiv and smod with RFC 9669's results for a
// zero divisor (div: 0; mod: dst unchanged) and for INT_MIN / -1 (sdiv:
// INT_MIN; smod: 0), none of which may reach the x86 divide instruction (it
// faults on both). rax and rdx are spilled to the state's r0/r3 slots,
// which are free while machine code runs.
func (c *compiler) lowerDivMod(ins bpf.Instruction, w bool) {
	dst := hostReg[ins.Dst]
	isMod := ins.OpCode.ALUOp() == bpf.ALUMod
	signed := ins.Offset == 1
	// divisor -> scratch
	if ins.OpCode.Source() == bpf.SrcX {
		c.a.MovRR(w, scratch, hostReg[ins.Src])
	} else {
		if ins.Imm == 0 {
			c.divByZero(dst, isMod, w)
			return
		}
		if w {
			c.a.MovRI(scratch, int64(ins.Imm))
		} else {
			c.a.MovRI(scratch, int64(uint32(ins.Imm)))
		}
	}
	done := c.a.NewLabel()
	if ins.OpCode.Source() == bpf.SrcX {
		nonzero := c.a.NewLabel()
		c.a.TestRR(w, scratch, scratch)
		c.a.Jcc(CondNE, nonzero)
		c.divByZero(dst, isMod, w)
		c.a.Jmp(done)
		c.a.Bind(nonzero)
	}
	if signed {
		notMinusOne := c.a.NewLabel()
		c.a.AluRI(CMP, w, scratch, -1)
		c.a.Jcc(CondNE, notMinusOne)
		if isMod {
			c.a.AluRR(XOR, false, dst, dst)
		} else {
			c.a.UnaryR(NEG, w, dst)
		}
		c.a.Jmp(done)
		c.a.Bind(notMinusOne)
	}
	c.a.MovMR(true, c.regSlot(0), RAX)
	c.a.MovMR(true, c.regSlot(3), RDX)
	c.a.MovRR(w, RAX, dst)
	if signed {
		c.a.Cqo(w)
		c.a.UnaryR(IDIV, w, scratch)
	} else {
		c.a.AluRR(XOR, false, RDX, RDX)
		c.a.UnaryR(DIV, w, scratch)
	}
	if isMod {
		c.a.MovRR(w, scratch2, RDX)
	} else {
		c.a.MovRR(w, scratch2, RAX)
	}
	if dst != RAX {
		c.a.MovRM(true, RAX, c.regSlot(0))
	}
	if dst != RDX {
		c.a.MovRM(true, RDX, c.regSlot(3))
	}
	c.a.MovRR(w, dst, scratch2)
	c.a.Bind(done)
}

// divByZero sets dst as RFC 9669 defines for a zero divisor.
func (c *compiler) divByZero(dst Reg, isMod, w bool) {
	switch {
	case !isMod:
		c.a.AluRR(XOR, false, dst, dst)
	case !w:
		c.a.MovRR(false, dst, dst) // mod32 by zero: dst unchanged, upper half cleared
	}
}

func (c *compiler) lowerEnd(ins bpf.Instruction) {
	dst := hostReg[ins.Dst]
	swap := ins.OpCode.Class() == bpf.ClassALU64 || ins.OpCode.Source() == bpf.SrcX // bswap, or to big-endian
	switch ins.Imm {
	case 16:
		if swap {
			c.a.Rol16(dst)
		}
		c.a.MovzxRR(2, dst, dst)
	case 32:
		if swap {
			c.a.Bswap(false, dst)
		} else {
			c.a.MovRR(false, dst, dst)
		}
	case 64:
		if swap {
			c.a.Bswap(true, dst)
		}
	}
}

var jumpCond = map[bpf.JumpOp]Cond{
	bpf.JumpJEQ:  CondE,
	bpf.JumpJNE:  CondNE,
	bpf.JumpJGT:  CondA,
	bpf.JumpJGE:  CondAE,
	bpf.JumpJLT:  CondB,
	bpf.JumpJLE:  CondBE,
	bpf.JumpJSGT: CondG,
	bpf.JumpJSGE: CondGE,
	bpf.JumpJSLT: CondL,
	bpf.JumpJSLE: CondLE,
	bpf.JumpJSET: CondNE,
}

func (c *compiler) lowerJump(pc int, ins bpf.Instruction) error {
	w := ins.OpCode.Class() == bpf.ClassJMP
	jop := ins.OpCode.JumpOp()
	switch jop {
	case bpf.JumpJA:
		off := int(ins.Offset)
		if !w {
			off = int(ins.Imm) // ja32 (gotol)
		}
		return c.jumpTo(pc, pc+1+off, nil)
	case bpf.JumpExit:
		c.lowerExit()
		return nil
	case bpf.JumpCall:
		if ins.OpCode.Source() == bpf.SrcX {
			return c.lowerCallx(pc, ins)
		}
		return c.lowerCall(pc, ins)
	}
	cond, ok := jumpCond[jop]
	if !ok {
		return fmt.Errorf("jit: slot %d: unsupported jump %#02x", pc, byte(ins.OpCode))
	}
	dst := hostReg[ins.Dst]
	switch {
	case jop == bpf.JumpJSET && ins.OpCode.Source() == bpf.SrcX:
		c.a.TestRR(w, dst, hostReg[ins.Src])
	case jop == bpf.JumpJSET:
		c.a.TestRI(w, dst, ins.Imm)
	case ins.OpCode.Source() == bpf.SrcX:
		c.a.AluRR(CMP, w, dst, hostReg[ins.Src])
	default:
		c.a.AluRI(CMP, w, dst, ins.Imm)
	}
	return c.jumpTo(pc, pc+1+int(ins.Offset), &cond)
}

// jumpTo emits a jump (conditional when cond is not nil) from slot pc to
// slot target, charging fuel on back-edges.
func (c *compiler) jumpTo(pc, target int, cond *Cond) error {
	if target < 0 || target >= len(c.insns) {
		return fmt.Errorf("jit: slot %d: jump target %d out of range", pc, target)
	}
	cost := abi.BackEdgeCost(pc, target)
	if cost == 0 {
		if cond == nil {
			c.a.Jmp(c.labels[target])
		} else {
			c.a.Jcc(*cond, c.labels[target])
		}
		return nil
	}
	skip := c.a.NewLabel()
	if cond != nil {
		c.a.Jcc(*cond^1, skip) // x86 condition codes pair with their inverse in bit 0
	}
	c.chargeFuel(cost, c.labels[target])
	c.a.Jmp(c.labels[target])
	c.a.Bind(skip)
	return nil
}

// lowerCall lowers a helper call (exit to Go) or a local call (push a frame).
func (c *compiler) lowerCall(pc int, ins bpf.Instruction) error {
	charged := c.a.NewLabel()
	c.chargeFuel(abi.CallCost, charged)
	c.a.Bind(charged)
	switch ins.Src {
	case bpf.CallHelper:
		after := c.a.NewLabel()
		c.exitWith(abi.MakeExit(abi.ExitHelper, uint32(ins.Imm)), &after)
		c.a.Bind(after)
		return nil
	case bpf.CallLocal:
		target := pc + 1 + int(ins.Imm)
		if target < 0 || target >= len(c.insns) {
			return fmt.Errorf("jit: slot %d: call target %d out of range", pc, target)
		}
		ret := c.a.NewLabel()
		c.a.MovRM(true, scratch, c.state(abi.OffsetDepth))
		c.a.AluRI(CMP, true, scratch, abi.MaxCallDepth-1)
		c.a.Jcc(CondAE, c.trapAt(abi.TrapCallDepth, pc))
		c.a.ImulRRI(true, scratch2, scratch, abi.CallFrameSize)
		frame := func(off int) Mem {
			return Mem{Base: regBase, Index: scratch2, HasIndex: true, Disp: int32(c.opts.StateAddr) + int32(abi.OffsetFrames+off)}
		}
		c.a.AluRI(ADD, true, scratch, 1)
		c.a.MovMR(true, c.state(abi.OffsetDepth), scratch)
		c.a.LeaLabel(scratch, ret)
		c.a.MovMR(true, frame(abi.OffsetFrameReturn), scratch)
		for i, r := range []bpf.Register{bpf.R6, bpf.R7, bpf.R8, bpf.R9} {
			c.a.MovMR(true, frame(abi.OffsetFrameSaved+8*i), hostReg[r])
		}
		c.a.AluRI(SUB, true, hostReg[bpf.R10], abi.StackFrameSize)
		c.a.Jmp(c.labels[target])
		c.a.Bind(ret)
		return nil
	}
	return fmt.Errorf("jit: slot %d: unsupported call kind %d", pc, ins.Src)
}

// lowerCallx lowers callx: the helper id is in the dst register. A value
// over 32 bits traps here; Go checks the rest when it handles the exit.
func (c *compiler) lowerCallx(pc int, ins bpf.Instruction) error {
	charged := c.a.NewLabel()
	c.chargeFuel(abi.CallCost, charged)
	c.a.Bind(charged)
	c.a.MovRR(true, scratch, hostReg[ins.Dst])
	c.a.ShiftRI(SHR, true, scratch, 32)
	c.a.Jcc(CondNE, c.trapAt(abi.TrapBadHelper, pc))
	after := c.a.NewLabel()
	c.a.LeaLabel(scratch, after)
	c.a.MovMR(true, c.state(abi.OffsetResume), scratch)
	// Exit = ExitHelper | id<<8, with id the low 32 bits of the register.
	c.a.MovRR(false, scratch, hostReg[ins.Dst])
	c.a.ShiftRI(SHL, true, scratch, 8)
	c.a.AluRI(OR, true, scratch, int32(abi.ExitHelper))
	c.a.MovMR(true, c.state(abi.OffsetExit), scratch)
	c.a.Jmp(c.exit)
	c.a.Bind(after)
	return nil
}

// lowerExit returns from a local call, or ends the run in the entry function.
func (c *compiler) lowerExit() {
	outer := c.a.NewLabel()
	c.a.MovRM(true, scratch, c.state(abi.OffsetDepth))
	c.a.TestRR(true, scratch, scratch)
	c.a.Jcc(CondE, outer)
	c.a.AluRI(SUB, true, scratch, 1)
	c.a.MovMR(true, c.state(abi.OffsetDepth), scratch)
	c.a.ImulRRI(true, scratch2, scratch, abi.CallFrameSize)
	frame := func(off int) Mem {
		return Mem{Base: regBase, Index: scratch2, HasIndex: true, Disp: int32(c.opts.StateAddr) + int32(abi.OffsetFrames+off)}
	}
	for i, r := range []bpf.Register{bpf.R6, bpf.R7, bpf.R8, bpf.R9} {
		c.a.MovRM(true, hostReg[r], frame(abi.OffsetFrameSaved+8*i))
	}
	c.a.AluRI(ADD, true, hostReg[bpf.R10], abi.StackFrameSize)
	c.a.MovRM(true, scratch, frame(abi.OffsetFrameReturn))
	c.a.JmpR(scratch)
	c.a.Bind(outer)
	c.setExit(abi.MakeExit(abi.ExitReturn, 0))
	c.a.Jmp(c.exit)
}
