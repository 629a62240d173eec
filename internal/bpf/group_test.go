package bpf

import "testing"

func TestGroup(t *testing.T) {
	for _, tc := range []struct {
		ins  Instruction
		want Group
	}{
		{Instruction{OpCode: 0x04, Imm: 1}, GroupBase32},                       // add32
		{Instruction{OpCode: 0x07, Imm: 1}, GroupBase64},                       // add
		{Instruction{OpCode: 0x24, Imm: 1}, GroupDivMul32},                     // mul32
		{Instruction{OpCode: 0x9f, Src: 1, Offset: 1}, GroupDivMul64},          // smod
		{Instruction{OpCode: 0xd7, Imm: 16}, GroupBase32},                      // bswap16
		{Instruction{OpCode: 0xd4, Imm: 64}, GroupBase64},                      // le64
		{Instruction{OpCode: 0x05, Offset: 1}, GroupBase32},                    // ja
		{Instruction{OpCode: 0x95}, GroupBase32},                               // exit
		{Instruction{OpCode: 0x85, Imm: 1}, GroupBase32},                       // call
		{Instruction{OpCode: 0x8d, Dst: 1}, GroupCallx},                        // callx
		{Instruction{OpCode: 0x15, Imm: 1, Offset: 1}, GroupBase64},            // jeq
		{Instruction{OpCode: 0x16, Imm: 1, Offset: 1}, GroupBase32},            // jeq32
		{Instruction{OpCode: 0x18}, GroupBase64},                               // lddw
		{Instruction{OpCode: 0x20}, GroupPacket},                               // ldabsw
		{Instruction{OpCode: 0x79, Src: 1}, GroupBase64},                       // ldxdw
		{Instruction{OpCode: 0x81, Src: 1}, GroupBase32},                       // ldxsw
		{Instruction{OpCode: 0x72, Imm: 1}, GroupBase32},                       // stb
		{Instruction{OpCode: 0xc3, Dst: 10, Src: 1}, GroupAtomic32},            // lock add32
		{Instruction{OpCode: 0xdb, Dst: 10, Src: 1, Imm: 0xf1}, GroupAtomic64}, // cmpxchg
		{Instruction{OpCode: 0x07, Src: 1}, GroupNone},                         // invalid
	} {
		if got := tc.ins.Group(); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.ins, got, tc.want)
		}
	}
	if GroupDivMul64.String() != "divmul64" || Group(99).String() != "Group(99)" {
		t.Errorf("Group names: %v %v", GroupDivMul64, Group(99))
	}
}
