package vm

import (
	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// op is one pre-decoded instruction slot for the interpreter: the variant
// (opcode, source, width and offset-selected forms such as sdiv or movsx)
// is resolved once into code, so the interpreter's loop is a single switch
// on a dense byte with no field decoding.
type op struct {
	code     opcode
	dst, src uint8
	off      int32  // memory offset, or the absolute target slot of a jump or local call
	imm      int32  // immediate; for lddw the low half (the next slot holds the high half)
	cost     uint32 // fuel charged when the jump is taken (abi.BackEdgeCost)
}

type opcode uint8

// Interpreter opcodes. K = immediate operand, X = register operand.
const (
	opInvalid opcode = iota
	opAdd64K
	opAdd64X
	opSub64K
	opSub64X
	opMul64K
	opMul64X
	opDiv64K
	opDiv64X
	opSdiv64K
	opSdiv64X
	opOr64K
	opOr64X
	opAnd64K
	opAnd64X
	opLsh64K
	opLsh64X
	opRsh64K
	opRsh64X
	opNeg64
	opMod64K
	opMod64X
	opSmod64K
	opSmod64X
	opXor64K
	opXor64X
	opMov64K
	opMov64X
	opArsh64K
	opArsh64X
	opMovsx8to64
	opMovsx16to64
	opMovsx32to64
	opBswap16
	opBswap32
	opBswap64
	opAdd32K
	opAdd32X
	opSub32K
	opSub32X
	opMul32K
	opMul32X
	opDiv32K
	opDiv32X
	opSdiv32K
	opSdiv32X
	opOr32K
	opOr32X
	opAnd32K
	opAnd32X
	opLsh32K
	opLsh32X
	opRsh32K
	opRsh32X
	opNeg32
	opMod32K
	opMod32X
	opSmod32K
	opSmod32X
	opXor32K
	opXor32X
	opMov32K
	opMov32X
	opArsh32K
	opArsh32X
	opMovsx8to32
	opMovsx16to32
	opLe16
	opLe32
	opLe64
	opBe16
	opBe32
	opBe64

	opJa
	opJeqK
	opJeqX
	opJgtK
	opJgtX
	opJgeK
	opJgeX
	opJsetK
	opJsetX
	opJneK
	opJneX
	opJsgtK
	opJsgtX
	opJsgeK
	opJsgeX
	opJltK
	opJltX
	opJleK
	opJleX
	opJsltK
	opJsltX
	opJsleK
	opJsleX
	opJeq32K
	opJeq32X
	opJgt32K
	opJgt32X
	opJge32K
	opJge32X
	opJset32K
	opJset32X
	opJne32K
	opJne32X
	opJsgt32K
	opJsgt32X
	opJsge32K
	opJsge32X
	opJlt32K
	opJlt32X
	opJle32K
	opJle32X
	opJslt32K
	opJslt32X
	opJsle32K
	opJsle32X
	opCall
	opCallLocal
	opCallx
	opExit

	opLddw
	opLdxB
	opLdxH
	opLdxW
	opLdxDW
	opLdxSB
	opLdxSH
	opLdxSW
	opStB
	opStH
	opStW
	opStDW
	opStxB
	opStxH
	opStxW
	opStxDW
	opAtomic32Add
	opAtomic32Or
	opAtomic32And
	opAtomic32Xor
	opAtomic32FetchAdd
	opAtomic32FetchOr
	opAtomic32FetchAnd
	opAtomic32FetchXor
	opAtomic32Xchg
	opAtomic32CmpXchg
	opAtomic64Add
	opAtomic64Or
	opAtomic64And
	opAtomic64Xor
	opAtomic64FetchAdd
	opAtomic64FetchOr
	opAtomic64FetchAnd
	opAtomic64FetchXor
	opAtomic64Xchg
	opAtomic64CmpXchg
)

// aluOps maps an ALU operation (high nibble) to its 64-bit K opcode; X is
// K+1 and the 32-bit forms are the same distance from opAdd32K.
var aluOps = [16]opcode{
	bpf.ALUAdd >> 4: opAdd64K, bpf.ALUSub >> 4: opSub64K, bpf.ALUMul >> 4: opMul64K,
	bpf.ALUDiv >> 4: opDiv64K, bpf.ALUOr >> 4: opOr64K, bpf.ALUAnd >> 4: opAnd64K,
	bpf.ALULsh >> 4: opLsh64K, bpf.ALURsh >> 4: opRsh64K, bpf.ALUMod >> 4: opMod64K,
	bpf.ALUXor >> 4: opXor64K, bpf.ALUMov >> 4: opMov64K, bpf.ALUArsh >> 4: opArsh64K,
}

// jumpOps maps a conditional jump operation to its 64-bit K opcode; X is
// K+1 and the 32-bit forms are the same distance from opJeq32K.
var jumpOps = [16]opcode{
	bpf.JumpJEQ >> 4: opJeqK, bpf.JumpJGT >> 4: opJgtK, bpf.JumpJGE >> 4: opJgeK,
	bpf.JumpJSET >> 4: opJsetK, bpf.JumpJNE >> 4: opJneK, bpf.JumpJSGT >> 4: opJsgtK,
	bpf.JumpJSGE >> 4: opJsgeK, bpf.JumpJLT >> 4: opJltK, bpf.JumpJLE >> 4: opJleK,
	bpf.JumpJSLT >> 4: opJsltK, bpf.JumpJSLE >> 4: opJsleK,
}

// decode translates a validated program into interpreter ops, one per slot.
func decode(insns []bpf.Instruction) []op {
	ops := make([]op, len(insns))
	for pc := 0; pc < len(insns); pc++ {
		ins := insns[pc]
		o := &ops[pc]
		o.dst, o.src, o.off, o.imm = uint8(ins.Dst), uint8(ins.Src), int32(ins.Offset), ins.Imm
		o.code = decodeOp(ins)
		switch ins.OpCode.Class() {
		case bpf.ClassJMP, bpf.ClassJMP32:
			target := pc + 1 + int(ins.Offset)
			if o.code == opCallLocal || ins.OpCode == bpf.OpCode(bpf.ClassJMP32)|bpf.OpCode(bpf.JumpJA) {
				target = pc + 1 + int(ins.Imm)
			}
			o.off = int32(target)
			o.cost = abi.BackEdgeCost(pc, target)
		case bpf.ClassLD:
			pc++
			ops[pc].imm = insns[pc].Imm
		}
	}
	return ops
}

// decodeOp returns the interpreter opcode of a validated instruction.
func decodeOp(ins bpf.Instruction) opcode {
	op := ins.OpCode
	x := opcode(0)
	if op.Source() == bpf.SrcX {
		x = 1
	}
	switch op.Class() {
	case bpf.ClassALU64, bpf.ClassALU:
		is32 := op.Class() == bpf.ClassALU
		switch a := op.ALUOp(); a {
		case bpf.ALUNeg:
			return pick(is32, opNeg32, opNeg64)
		case bpf.ALUEnd:
			return endOp(ins)
		case bpf.ALUMov:
			switch {
			case ins.Offset == 0:
			case is32:
				return pick(ins.Offset == 8, opMovsx8to32, opMovsx16to32)
			default:
				return [...]opcode{8: opMovsx8to64, 16: opMovsx16to64, 32: opMovsx32to64}[ins.Offset]
			}
		}
		k := aluOps[op.ALUOp()>>4]
		if ins.Offset == 1 && (op.ALUOp() == bpf.ALUDiv || op.ALUOp() == bpf.ALUMod) {
			k = pick(op.ALUOp() == bpf.ALUDiv, opSdiv64K, opSmod64K)
		}
		if is32 {
			k += opAdd32K - opAdd64K
		}
		return k + x
	case bpf.ClassJMP, bpf.ClassJMP32:
		switch op.JumpOp() {
		case bpf.JumpJA:
			return opJa
		case bpf.JumpExit:
			return opExit
		case bpf.JumpCall:
			switch {
			case x == 1:
				return opCallx
			case ins.Src == bpf.CallLocal:
				return opCallLocal
			}
			return opCall
		}
		k := jumpOps[op.JumpOp()>>4]
		if op.Class() == bpf.ClassJMP32 {
			k += opJeq32K - opJeqK
		}
		return k + x
	case bpf.ClassLD:
		return opLddw
	case bpf.ClassLDX:
		if op.Mode() == bpf.ModeMEMSX {
			return [...]opcode{bpf.SizeB >> 3: opLdxSB, bpf.SizeH >> 3: opLdxSH, bpf.SizeW >> 3: opLdxSW}[op.Size()>>3]
		}
		return sized(op.Size(), opLdxB)
	case bpf.ClassST:
		return sized(op.Size(), opStB)
	case bpf.ClassSTX:
		if op.Mode() == bpf.ModeATOMIC {
			return atomicOp(ins)
		}
		return sized(op.Size(), opStxB)
	}
	return opInvalid
}

func pick(c bool, a, b opcode) opcode {
	if c {
		return a
	}
	return b
}

// sized maps a size to first+0 (B), +1 (H), +2 (W), +3 (DW).
func sized(s bpf.Size, first opcode) opcode {
	return first + [...]opcode{bpf.SizeB >> 3: 0, bpf.SizeH >> 3: 1, bpf.SizeW >> 3: 2, bpf.SizeDW >> 3: 3}[s>>3]
}

func endOp(ins bpf.Instruction) opcode {
	w := map[int32]opcode{16: 0, 32: 1, 64: 2}[ins.Imm]
	switch {
	case ins.OpCode.Class() == bpf.ClassALU64:
		return opBswap16 + w
	case ins.OpCode.Source() == bpf.SrcX:
		return opBe16 + w
	}
	return opLe16 + w
}

func atomicOp(ins bpf.Instruction) opcode {
	first := pick(ins.OpCode.Size() == bpf.SizeW, opAtomic32Add, opAtomic64Add)
	return first + map[int32]opcode{
		bpf.AtomicAdd: 0, bpf.AtomicOr: 1, bpf.AtomicAnd: 2, bpf.AtomicXor: 3,
		bpf.AtomicAdd | bpf.AtomicFetch: 4, bpf.AtomicOr | bpf.AtomicFetch: 5,
		bpf.AtomicAnd | bpf.AtomicFetch: 6, bpf.AtomicXor | bpf.AtomicFetch: 7,
		bpf.AtomicXchg: 8, bpf.AtomicCmpXchg: 9,
	}[ins.Imm]
}
