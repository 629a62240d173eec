package bpf

import "fmt"

// Valid reports whether RFC 9669 defines op, plus callx (0x8d, CALL with
// the X source), which the kernel and bpf_conformance use though the RFC
// does not list it. Whether the other fields of an instruction with this
// opcode are legal is Instruction.Validate's business.
func (op OpCode) Valid() bool {
	switch c := op.Class(); c {
	case ClassALU, ClassALU64:
		switch a := op.ALUOp(); {
		case a > ALUEnd:
			return false
		case a == ALUNeg:
			return op.Source() == SrcK
		case a == ALUEnd && c == ClassALU64:
			return op.Source() == SrcK
		}
		return true
	case ClassJMP:
		switch j := op.JumpOp(); {
		case j > JumpJSLE:
			return false
		case j == JumpJA, j == JumpExit:
			return op.Source() == SrcK
		}
		return true
	case ClassJMP32:
		switch j := op.JumpOp(); {
		case j > JumpJSLE, j == JumpCall, j == JumpExit:
			return false
		case j == JumpJA:
			return op.Source() == SrcK
		}
		return true
	case ClassLD:
		switch op.Mode() {
		case ModeIMM:
			return op.Size() == SizeDW
		case ModeABS, ModeIND:
			return op.Size() != SizeDW
		}
		return false
	case ClassLDX:
		switch op.Mode() {
		case ModeMEM:
			return true
		case ModeMEMSX:
			return op.Size() != SizeDW
		}
		return false
	case ClassST:
		return op.Mode() == ModeMEM
	default: // ClassSTX
		switch op.Mode() {
		case ModeMEM:
			return true
		case ModeATOMIC:
			return op.Size() == SizeW || op.Size() == SizeDW
		}
		return false
	}
}

// IsWide reports whether ins is the first slot of a two-slot instruction
// (lddw). The slot after it carries the upper 32 bits of the immediate.
func (ins Instruction) IsWide() bool { return ins.OpCode == OpLDDW }

// IsExit reports whether ins is exit (0x95).
func (ins Instruction) IsExit() bool { return ins.OpCode == OpCode(byte(ClassJMP)|byte(JumpExit)) }

// IsHelperCall reports whether ins calls a helper by static id (0x85 with
// src 0): Imm is the helper number.
func (ins Instruction) IsHelperCall() bool {
	return ins.OpCode == opCall && ins.Src == CallHelper
}

// IsLocalCall reports whether ins is a program-local call (0x85 with src 1).
// Its target is JumpTarget.
func (ins Instruction) IsLocalCall() bool {
	return ins.OpCode == opCall && ins.Src == CallLocal
}

// IsCallx reports whether ins is callx (0x8d): the helper number is in the
// register named by Dst.
func (ins Instruction) IsCallx() bool {
	return ins.OpCode == opCall|OpCode(SrcX)
}

var opCall = OpCode(byte(ClassJMP) | byte(JumpCall))

// IsJump reports whether ins transfers control to a PC-relative target:
// ja, ja32, the conditional jumps of JMP and JMP32, and local calls.
// Helper calls, callx and exit are not jumps.
func (ins Instruction) IsJump() bool {
	if !ins.OpCode.Valid() || !ins.OpCode.Class().IsJump() {
		return false
	}
	switch ins.OpCode.JumpOp() {
	case JumpCall:
		return ins.IsLocalCall()
	case JumpExit:
		return false
	}
	return true
}

// JumpTarget returns the slot index that the instruction at slot pc jumps
// to: pc + 1 + Offset for ja and conditional jumps, pc + 1 + Imm for ja32
// (gotol) and local calls. ok is false if ins is not a jump (see IsJump).
// The target may lie outside the program; callers check bounds.
func (ins Instruction) JumpTarget(pc int) (target int, ok bool) {
	if !ins.IsJump() {
		return 0, false
	}
	if ins.IsLocalCall() || ins.OpCode.Class() == ClassJMP32 && ins.OpCode.JumpOp() == JumpJA {
		return pc + 1 + int(ins.Imm), true
	}
	return pc + 1 + int(ins.Offset), true
}

// Imm64 returns the 64-bit immediate of the wide instruction whose slots
// are lo and hi: lo.Imm in the low half, hi.Imm in the high half.
func Imm64(lo, hi Instruction) uint64 {
	return uint64(uint32(lo.Imm)) | uint64(uint32(hi.Imm))<<32
}

// LDDW returns the two slots of "lddw dst, v" (src 0: a plain constant).
func LDDW(dst Register, v uint64) [2]Instruction {
	return [2]Instruction{
		{OpCode: OpLDDW, Dst: dst, Imm: int32(uint32(v))},
		{Imm: int32(uint32(v >> 32))},
	}
}

// Immediate-load kinds of lddw, in its Src field (RFC 9669 §5.4).
const (
	LoadImm64      = 0 // dst = imm64
	LoadMapByFD    = 1 // dst = map_by_fd(imm)
	LoadMapValByFD = 2 // dst = map_val(map_by_fd(imm)) + next_imm
	LoadVarAddr    = 3 // dst = var_addr(imm)
	LoadCodeAddr   = 4 // dst = code_addr(imm)
	LoadMapByIdx   = 5 // dst = map_by_idx(imm)
	LoadMapValIdx  = 6 // dst = map_val(map_by_idx(imm)) + next_imm
)

// FieldError reports an instruction that violates RFC 9669's encoding
// rules: an undefined opcode, a field that must be zero but is not, or a
// value outside its legal set. Field names the offending field ("opcode",
// "dst", "src", "offset", "imm" or "next" for the second lddw slot).
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks one instruction slot against RFC 9669: the opcode is
// defined (see OpCode.Valid), Dst and Src name registers R0–R10 where they
// are used, every field the instruction does not use is zero ("unused
// fields must be zero"), and the fields it does use hold legal values (the
// sdiv/smod offset 0 or 1, the movsx widths, the byte-swap width, the
// atomic operation, the lddw src kind and the call kind). It does not
// check the second slot of lddw (see ValidateWide), jump targets or
// writes to R10, which depend on the program around the instruction.
func (ins Instruction) Validate() error {
	op := ins.OpCode
	if !op.Valid() {
		return fieldErr("opcode", "unknown opcode %#02x", uint8(op))
	}
	// used fields: d dst, s src, o offset, i imm
	var d, s, o, i bool
	switch c := op.Class(); c {
	case ClassALU, ClassALU64:
		d = true
		switch a := op.ALUOp(); {
		case a == ALUNeg:
		case a == ALUEnd:
			if ins.Imm != 16 && ins.Imm != 32 && ins.Imm != 64 {
				return fieldErr("imm", "byte swap width %d is not 16, 32 or 64", ins.Imm)
			}
			i = true
		case a == ALUDiv || a == ALUMod:
			if ins.Offset != 0 && ins.Offset != 1 {
				return fieldErr("offset", "%s offset %d is neither 0 (unsigned) nor 1 (signed)", a, ins.Offset)
			}
			o = true
		case a == ALUMov && op.Source() == SrcX:
			if ins.Offset != 0 && ins.Offset != 8 && ins.Offset != 16 && (ins.Offset != 32 || c == ClassALU) {
				return fieldErr("offset", "movsx width %d is not legal for %s", ins.Offset, c)
			}
			o = true
		}
		switch {
		case op.ALUOp() == ALUNeg, op.ALUOp() == ALUEnd: // the END source bit is the byte order
		case op.Source() == SrcX:
			s = true
		default:
			i = true
		}
	case ClassJMP, ClassJMP32:
		switch j := op.JumpOp(); {
		case j == JumpJA && c == ClassJMP32:
			i = true
		case j == JumpJA:
			o = true
		case j == JumpCall && op.Source() == SrcX:
			d = true
		case j == JumpCall:
			if ins.Src > CallBTF {
				return fieldErr("src", "call kind %d is not 0 (helper), 1 (local) or 2 (BTF)", ins.Src)
			}
			s, i = true, true
		case j == JumpExit:
		default:
			d, o = true, true
			if op.Source() == SrcX {
				s = true
			} else {
				i = true
			}
		}
	case ClassLD:
		if op.Mode() == ModeIMM {
			if ins.Src > LoadMapValIdx {
				return fieldErr("src", "lddw kind %d is not 0 to 6", ins.Src)
			}
			d, s, i = true, true, true
		} else { // legacy packet access: result in R0, IND adds src
			s, i = op.Mode() == ModeIND, true
		}
	case ClassLDX:
		d, s, o = true, true, true
	case ClassST:
		d, o, i = true, true, true
	default: // ClassSTX
		d, s, o = true, true, true
		if op.Mode() == ModeATOMIC {
			switch ins.Imm {
			case AtomicAdd, AtomicOr, AtomicAnd, AtomicXor,
				AtomicAdd | AtomicFetch, AtomicOr | AtomicFetch, AtomicAnd | AtomicFetch, AtomicXor | AtomicFetch,
				AtomicXchg, AtomicCmpXchg:
			default:
				return fieldErr("imm", "unknown atomic operation %#x", ins.Imm)
			}
			i = true
		}
	}
	switch {
	case d && !ins.Dst.Valid():
		return fieldErr("dst", "register %d does not exist", ins.Dst)
	case !d && ins.Dst != 0:
		return fieldErr("dst", "unused field is %d, not 0", ins.Dst)
	case s && !ins.Src.Valid() && !(op == OpLDDW || op == opCall):
		return fieldErr("src", "register %d does not exist", ins.Src)
	case !s && ins.Src != 0:
		return fieldErr("src", "unused field is %d, not 0", ins.Src)
	case !o && ins.Offset != 0:
		return fieldErr("offset", "unused field is %d, not 0", ins.Offset)
	case !i && ins.Imm != 0:
		return fieldErr("imm", "unused field is %d, not 0", ins.Imm)
	}
	return nil
}

// ValidateWide checks next, the slot that follows an lddw: its opcode,
// registers and offset must be zero (RFC 9669 §3).
func ValidateWide(next Instruction) error {
	if next.OpCode != 0 || next.Dst != 0 || next.Src != 0 || next.Offset != 0 {
		return fieldErr("next", "second lddw slot has opcode %#02x, dst %d, src %d, offset %d; all must be 0",
			uint8(next.OpCode), next.Dst, next.Src, next.Offset)
	}
	return nil
}
