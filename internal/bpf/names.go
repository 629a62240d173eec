package bpf

import "fmt"

// String returns the register name as the disassembler prints it, "r0" to
// "r10" ("r11" to "r15" for the out-of-range numbers a 4-bit field can hold).
func (r Register) String() string { return fmt.Sprintf("r%d", uint8(r)) }

// Valid reports whether r names one of the eleven eBPF registers R0–R10.
func (r Register) Valid() bool { return r <= R10 }

var classNames = [...]string{"ld", "ldx", "st", "stx", "alu", "jmp", "jmp32", "alu64"}

// String returns the RFC 9669 class name in lower case ("alu64", "jmp32").
func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%#x)", uint8(c))
}

// IsALU reports whether c is ALU or ALU64.
func (c Class) IsALU() bool { return c == ClassALU || c == ClassALU64 }

// IsJump reports whether c is JMP or JMP32.
func (c Class) IsJump() bool { return c == ClassJMP || c == ClassJMP32 }

// IsLoadStore reports whether c is LD, LDX, ST or STX.
func (c Class) IsLoadStore() bool { return c <= ClassSTX }

// String returns "k" (immediate) or "x" (register), as in RFC 9669.
func (s Source) String() string {
	switch s {
	case SrcK:
		return "k"
	case SrcX:
		return "x"
	}
	return fmt.Sprintf("Source(%#x)", uint8(s))
}

var aluNames = [16]string{"add", "sub", "mul", "div", "or", "and", "lsh", "rsh", "neg", "mod", "xor", "mov", "arsh", "end"}

// String returns the operation's mnemonic ("add", "arsh", "end"). Codes
// 0xe0 and 0xf0, which RFC 9669 leaves unassigned, print as "ALUOp(0xe0)".
func (op ALUOp) String() string {
	if op&0x0f == 0 && aluNames[op>>4] != "" {
		return aluNames[op>>4]
	}
	return fmt.Sprintf("ALUOp(%#x)", uint8(op))
}

var jumpNames = [16]string{"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "call", "exit", "jlt", "jle", "jslt", "jsle"}

// String returns the operation's mnemonic ("jeq", "call", "exit"). Codes
// 0xe0 and 0xf0 print as "JumpOp(0xe0)".
func (op JumpOp) String() string {
	if op&0x0f == 0 && jumpNames[op>>4] != "" {
		return jumpNames[op>>4]
	}
	return fmt.Sprintf("JumpOp(%#x)", uint8(op))
}

// String returns the size suffix used in mnemonics: "w", "h", "b" or "dw".
func (s Size) String() string {
	switch s {
	case SizeW:
		return "w"
	case SizeH:
		return "h"
	case SizeB:
		return "b"
	case SizeDW:
		return "dw"
	}
	return fmt.Sprintf("Size(%#x)", uint8(s))
}

// String returns the RFC 9669 mode name in lower case ("mem", "memsx",
// "atomic"). Mode values 0xa0 and 0xe0 are unassigned.
func (m Mode) String() string {
	switch m {
	case ModeIMM:
		return "imm"
	case ModeABS:
		return "abs"
	case ModeIND:
		return "ind"
	case ModeMEM:
		return "mem"
	case ModeMEMSX:
		return "memsx"
	case ModeATOMIC:
		return "atomic"
	}
	return fmt.Sprintf("Mode(%#x)", uint8(m))
}

// String returns the opcode's mnemonic in the assembler dialect of the test
// corpora: "add" (ALU64), "add32" (ALU), "jeq", "jeq32", "ldxw", "ldxsb",
// "stw", "stxdw", "lddw", "call", "callx", "exit", "ja32", "le", "be",
// "bswap", "lock" and "lock32" (STX ATOMIC), "ldabsw", "ldindb". The K and X
// forms share a mnemonic. Fields outside the opcode select variants that the
// name cannot show (sdiv, movsx, the width of le/be/bswap, the atomic
// operation). An opcode that RFC 9669 does not define prints as
// "invalid(0x..)".
func (op OpCode) String() string {
	if !op.Valid() {
		return fmt.Sprintf("invalid(%#02x)", uint8(op))
	}
	switch c := op.Class(); c {
	case ClassALU, ClassALU64:
		switch {
		case op.ALUOp() != ALUEnd:
			if c == ClassALU {
				return op.ALUOp().String() + "32"
			}
			return op.ALUOp().String()
		case c == ClassALU64:
			return "bswap"
		case op.Source() == SrcX:
			return "be"
		default:
			return "le"
		}
	case ClassJMP, ClassJMP32:
		j := op.JumpOp()
		switch {
		case j == JumpCall && op.Source() == SrcX:
			return "callx"
		case c == ClassJMP32:
			return j.String() + "32"
		}
		return j.String()
	case ClassLD:
		switch op.Mode() {
		case ModeABS:
			return "ldabs" + op.Size().String()
		case ModeIND:
			return "ldind" + op.Size().String()
		}
		return "lddw"
	case ClassLDX:
		if op.Mode() == ModeMEMSX {
			return "ldxs" + op.Size().String()
		}
		return "ldx" + op.Size().String()
	case ClassST:
		return "st" + op.Size().String()
	default: // ClassSTX
		if op.Mode() == ModeATOMIC {
			if op.Size() == SizeW {
				return "lock32"
			}
			return "lock"
		}
		return "stx" + op.Size().String()
	}
}
