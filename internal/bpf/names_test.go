package bpf

import "testing"

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		got  interface{ String() string }
		want string
	}{
		{R0, "r0"}, {R10, "r10"}, {Register(15), "r15"},
		{ClassLD, "ld"}, {ClassJMP32, "jmp32"}, {ClassALU64, "alu64"}, {Class(8), "Class(0x8)"},
		{SrcK, "k"}, {SrcX, "x"},
		{ALUAdd, "add"}, {ALUArsh, "arsh"}, {ALUEnd, "end"}, {ALUOp(0xe0), "ALUOp(0xe0)"}, {ALUOp(0x01), "ALUOp(0x1)"},
		{JumpJA, "ja"}, {JumpJSLE, "jsle"}, {JumpCall, "call"}, {JumpOp(0xf0), "JumpOp(0xf0)"},
		{SizeB, "b"}, {SizeDW, "dw"}, {Size(0x01), "Size(0x1)"},
		{ModeMEMSX, "memsx"}, {ModeATOMIC, "atomic"}, {Mode(0xa0), "Mode(0xa0)"},
		{OpCode(0x07), "add"}, {OpCode(0x0c), "add32"}, {OpCode(0xd4), "le"}, {OpCode(0xdc), "be"},
		{OpCode(0xd7), "bswap"}, {OpCode(0x06), "ja32"}, {OpCode(0x5e), "jne32"}, {OpCode(0x8d), "callx"},
		{OpCode(0x95), "exit"}, {OpLDDW, "lddw"}, {OpCode(0x30), "ldabsb"}, {OpCode(0x40), "ldindw"},
		{OpCode(0x91), "ldxsb"}, {OpCode(0x79), "ldxdw"}, {OpCode(0x6a), "sth"}, {OpCode(0x73), "stxb"},
		{OpCode(0xc3), "lock32"}, {OpCode(0xdb), "lock"}, {OpCode(0x00), "invalid(0x00)"}, {OpCode(0xff), "invalid(0xff)"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%T %#v: String() = %q, want %q", tc.got, tc.got, s, tc.want)
		}
	}
}

// TestOpCodeNamesUnique checks that the valid opcodes of one source form
// have distinct names, so that a name and a K/X choice identify an opcode.
func TestOpCodeNamesUnique(t *testing.T) {
	seen := map[string]OpCode{}
	for op := OpCode(0); ; op++ {
		if op.Valid() {
			key := op.String()
			if op.Class().IsALU() || op.Class().IsJump() {
				key += "/" + op.Source().String()
			}
			if prev, dup := seen[key]; dup && !(op.ALUOp() == ALUEnd && op.Class() == ClassALU) {
				t.Errorf("%#02x and %#02x are both %q", prev, op, key)
			}
			seen[key] = op
		}
		if op == 0xff {
			break
		}
	}
}
