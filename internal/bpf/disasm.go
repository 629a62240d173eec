package bpf

import (
	"fmt"
	"strings"
)

// Disassemble prints insns one slot per line in the style of llvm-objdump
// -d: the slot number, the slot's bytes and the instruction in LLVM's BPF
// syntax, as in
//
//	0:	b7 00 00 00 01 00 00 00	r0 = 1
//	1:	18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11	r1 = 0x1122334455667788 ll
//	3:	95 00 00 00 00 00 00 00	exit
//
// An lddw and the slot after it share one line. A slot that Validate
// rejects, or an lddw without a valid second slot, prints as ".inv" with
// the slot as a 64-bit little-endian word (the corpora's raw notation).
func Disassemble(insns []Instruction) string {
	var b strings.Builder
	for pc := 0; pc < len(insns); pc++ {
		ins := insns[pc]
		bytes := ins.Append(nil)
		text := ins.String()
		if ins.IsWide() && ins.Validate() == nil {
			if pc+1 < len(insns) && ValidateWide(insns[pc+1]) == nil {
				bytes = insns[pc+1].Append(bytes)
				text = wideString(ins, insns[pc+1])
			} else {
				text = invalidString(ins)
			}
		}
		fmt.Fprintf(&b, "%4d:\t% x\t%s\n", pc, bytes, text)
		if len(bytes) > SlotSize {
			pc++
		}
	}
	return b.String()
}

// String returns ins in LLVM's BPF assembler syntax ("r0 += 1",
// "if w1 s> -3 goto +2", "*(u32 *)(r10 - 8) = r1", "call 5", "exit"). Jump
// offsets are relative, with their sign. An instruction that Validate
// rejects prints as ".inv 0x..." (see Disassemble). An lddw slot alone
// knows only the low half of its immediate and says so; Disassemble prints
// the whole value.
func (ins Instruction) String() string {
	if ins.Validate() != nil {
		return invalidString(ins)
	}
	switch ins.OpCode.Class() {
	case ClassALU, ClassALU64:
		return ins.aluString()
	case ClassJMP, ClassJMP32:
		return ins.jumpString()
	case ClassLD:
		return ins.ldString()
	case ClassLDX:
		sign := "u"
		if ins.OpCode.Mode() == ModeMEMSX {
			sign = "s"
		}
		return fmt.Sprintf("%s = *(%s%d *)%s", ins.Dst, sign, ins.OpCode.Size().Bytes()*8, memRef(ins.Src, ins.Offset))
	case ClassST:
		return fmt.Sprintf("*(u%d *)%s = %d", ins.OpCode.Size().Bytes()*8, memRef(ins.Dst, ins.Offset), ins.Imm)
	default:
		if ins.OpCode.Mode() == ModeATOMIC {
			return ins.atomicString()
		}
		return fmt.Sprintf("*(u%d *)%s = %s", ins.OpCode.Size().Bytes()*8, memRef(ins.Dst, ins.Offset), ins.Src)
	}
}

func invalidString(ins Instruction) string {
	var w [SlotSize]byte
	ins.Append(w[:0])
	var v uint64
	for i := SlotSize - 1; i >= 0; i-- {
		v = v<<8 | uint64(w[i])
	}
	return fmt.Sprintf(".inv %#016x", v)
}

// regName prints r as a 32-bit ("w1") or 64-bit ("r1") register.
func regName(r Register, wide bool) string {
	if wide {
		return r.String()
	}
	return fmt.Sprintf("w%d", uint8(r))
}

// memRef prints a base register and offset as "(r10 - 8)".
func memRef(base Register, off int16) string {
	if off < 0 {
		return fmt.Sprintf("(%s - %d)", base, -int(off))
	}
	return fmt.Sprintf("(%s + %d)", base, off)
}

// relative prints a relative jump offset with its sign.
func relative(off int64) string { return fmt.Sprintf("%+d", off) }

var aluOperators = [16]string{"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "", "%=", "^=", "=", "s>>="}

func (ins Instruction) aluString() string {
	op := ins.OpCode
	wide := op.Class() == ClassALU64
	dst := regName(ins.Dst, wide)
	switch op.ALUOp() {
	case ALUNeg:
		return fmt.Sprintf("%s = -%s", dst, dst)
	case ALUEnd:
		name := "le"
		switch {
		case wide:
			name = "bswap"
		case op.Source() == SrcX:
			name = "be"
		}
		// LLVM prints the full register for byte swaps of either class.
		return fmt.Sprintf("%s = %s%d %s", ins.Dst, name, ins.Imm, ins.Dst)
	}
	src := fmt.Sprint(ins.Imm)
	if op.Source() == SrcX {
		src = regName(ins.Src, wide)
	}
	operator := aluOperators[op.ALUOp()>>4]
	switch {
	case op.ALUOp() == ALUMov && ins.Offset != 0:
		return fmt.Sprintf("%s = (s%d)%s", dst, ins.Offset, src)
	case ins.Offset == 1: // sdiv, smod
		operator = "s" + operator
	}
	return fmt.Sprintf("%s %s %s", dst, operator, src)
}

var jumpOperators = [16]string{"", "==", ">", ">=", "&", "!=", "s>", "s>=", "", "", "<", "<=", "s<", "s<="}

func (ins Instruction) jumpString() string {
	op := ins.OpCode
	wide := op.Class() == ClassJMP
	switch op.JumpOp() {
	case JumpJA:
		if !wide {
			return "gotol " + relative(int64(ins.Imm))
		}
		return "goto " + relative(int64(ins.Offset))
	case JumpExit:
		return "exit"
	case JumpCall:
		switch {
		case op.Source() == SrcX:
			return "callx " + ins.Dst.String()
		case ins.Src == CallLocal:
			return "call pc" + relative(int64(ins.Imm))
		case ins.Src == CallBTF:
			return fmt.Sprintf("call btf_id %d", ins.Imm)
		}
		return fmt.Sprintf("call %d", ins.Imm)
	}
	src := fmt.Sprint(ins.Imm)
	if op.Source() == SrcX {
		src = regName(ins.Src, wide)
	}
	return fmt.Sprintf("if %s %s %s goto %s", regName(ins.Dst, wide), jumpOperators[op.JumpOp()>>4], src, relative(int64(ins.Offset)))
}

func (ins Instruction) ldString() string {
	bits := ins.OpCode.Size().Bytes() * 8
	switch ins.OpCode.Mode() {
	case ModeABS:
		return fmt.Sprintf("r0 = *(u%d *)skb[%d]", bits, ins.Imm)
	case ModeIND:
		if ins.Imm == 0 {
			return fmt.Sprintf("r0 = *(u%d *)skb[%s]", bits, ins.Src)
		}
		return fmt.Sprintf("r0 = *(u%d *)skb[%s %s]", bits, ins.Src, signed(int64(ins.Imm)))
	}
	return wideString(ins, Instruction{}) + " (low half)"
}

// signed prints v as "+ v" or "- |v|".
func signed(v int64) string {
	if v < 0 {
		return fmt.Sprintf("- %d", -v)
	}
	return fmt.Sprintf("+ %d", v)
}

// wideString prints the lddw whose slots are lo and hi. The src kinds
// other than 0 use RFC 9669's names for the value loaded.
func wideString(lo, hi Instruction) string {
	var v string
	switch lo.Src {
	case LoadImm64:
		v = fmt.Sprintf("%#x", Imm64(lo, hi))
	case LoadMapByFD:
		v = fmt.Sprintf("map_by_fd(%d)", lo.Imm)
	case LoadMapValByFD:
		v = fmt.Sprintf("map_val(map_by_fd(%d)) %s", lo.Imm, signed(int64(hi.Imm)))
	case LoadVarAddr:
		v = fmt.Sprintf("var_addr(%d)", lo.Imm)
	case LoadCodeAddr:
		v = fmt.Sprintf("code_addr(%d)", lo.Imm)
	case LoadMapByIdx:
		v = fmt.Sprintf("map_by_idx(%d)", lo.Imm)
	default:
		v = fmt.Sprintf("map_val(map_by_idx(%d)) %s", lo.Imm, signed(int64(hi.Imm)))
	}
	return fmt.Sprintf("%s = %s ll", lo.Dst, v)
}

// atomicName returns the name of an atomic operation without its fetch
// bit: "add", "or", "and" or "xor".
func atomicName(imm int32) string {
	switch imm &^ AtomicFetch {
	case AtomicOr:
		return "or"
	case AtomicAnd:
		return "and"
	case AtomicXor:
		return "xor"
	}
	return "add"
}

func (ins Instruction) atomicString() string {
	wide := ins.OpCode.Size() == SizeDW
	bits := ins.OpCode.Size().Bytes() * 8
	src := regName(ins.Src, wide)
	addr := memRef(ins.Dst, ins.Offset)
	switch ins.Imm {
	case AtomicXchg:
		if wide {
			return fmt.Sprintf("%s = xchg_64%s, %s)", src, strings.TrimSuffix(addr, ")"), src)
		}
		return fmt.Sprintf("%s = xchg32_32%s, %s)", src, strings.TrimSuffix(addr, ")"), src)
	case AtomicCmpXchg:
		r0 := regName(R0, wide)
		name := "cmpxchg_64"
		if !wide {
			name = "cmpxchg32_32"
		}
		return fmt.Sprintf("%s = %s%s, %s, %s)", r0, name, strings.TrimSuffix(addr, ")"), r0, src)
	}
	if ins.Imm&AtomicFetch != 0 {
		return fmt.Sprintf("%s = atomic_fetch_%s((u%d *)%s, %s)", src, atomicName(ins.Imm), bits, addr, src)
	}
	return fmt.Sprintf("lock *(u%d *)%s %s %s", bits, addr, aluOperators[ins.Imm>>4], src)
}
