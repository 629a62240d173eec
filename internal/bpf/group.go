package bpf

import "fmt"

// Group is a conformance group of RFC 9669 §2.4: a set of instructions a
// runtime supports all or none of. Every runtime supports GroupBase32.
// Base64 includes base32, atomic64 includes atomic32 and divmul64 includes
// divmul32.
type Group uint8

// Conformance groups. GroupNone is the group of an invalid instruction.
const (
	GroupNone Group = iota
	GroupBase32
	GroupBase64
	GroupAtomic32
	GroupAtomic64
	GroupDivMul32
	GroupDivMul64
	GroupPacket // the deprecated legacy packet loads (LD ABS and IND)
	GroupCallx  // not in RFC 9669: callx (0x8d), as bpf_conformance names it
)

var groupNames = [...]string{"none", "base32", "base64", "atomic32", "atomic64", "divmul32", "divmul64", "packet", "callx"}

// String returns the group's RFC 9669 label ("base32", "divmul64").
func (g Group) String() string {
	if int(g) < len(groupNames) {
		return groupNames[g]
	}
	return fmt.Sprintf("Group(%d)", uint8(g))
}

// Group returns the smallest conformance group that contains ins, following
// RFC 9669: ALU64 is base64 except multiply, divide and modulo (divmul64),
// which are divmul32 in ALU; 64-bit byte swaps are base64, narrower ones
// base32 in either class; JMP is base64 except ja, call and exit, which
// with all of JMP32 are base32; DW loads and stores (lddw included) are
// base64; 32- and 64-bit atomics are atomic32 and atomic64. Instructions
// that Validate rejects are GroupNone.
func (ins Instruction) Group() Group {
	if ins.Validate() != nil {
		return GroupNone
	}
	op := ins.OpCode
	switch c := op.Class(); c {
	case ClassALU, ClassALU64:
		switch op.ALUOp() {
		case ALUMul, ALUDiv, ALUMod:
			if c == ClassALU64 {
				return GroupDivMul64
			}
			return GroupDivMul32
		case ALUEnd:
			if ins.Imm == 64 {
				return GroupBase64
			}
			return GroupBase32
		}
		if c == ClassALU64 {
			return GroupBase64
		}
	case ClassJMP:
		switch op.JumpOp() {
		case JumpCall:
			if op.Source() == SrcX {
				return GroupCallx
			}
		case JumpJA, JumpExit:
		default:
			return GroupBase64
		}
	case ClassLD:
		if op.Mode() != ModeIMM {
			return GroupPacket
		}
		return GroupBase64
	case ClassSTX:
		if op.Mode() == ModeATOMIC {
			if op.Size() == SizeDW {
				return GroupAtomic64
			}
			return GroupAtomic32
		}
		fallthrough
	case ClassLDX, ClassST:
		if op.Size() == SizeDW {
			return GroupBase64
		}
	}
	return GroupBase32
}
