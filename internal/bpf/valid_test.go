package bpf

import (
	"errors"
	"testing"
)

// TestValidOpcodes counts the opcodes Valid accepts per class, from RFC
// 9669's tables plus callx.
func TestValidOpcodes(t *testing.T) {
	want := map[Class]int{
		ClassLD:    7,  // lddw, ABS and IND in W, H, B
		ClassLDX:   7,  // MEM in 4 sizes, MEMSX in 3
		ClassST:    4,  // MEM
		ClassSTX:   6,  // MEM in 4 sizes, ATOMIC W and DW
		ClassALU:   27, // 12 ops × K/X, neg K, le and be
		ClassALU64: 26, // 12 ops × K/X, neg K, bswap
		ClassJMP:   26, // ja, 11 conditionals × K/X, call, callx, exit
		ClassJMP32: 23, // ja32, 11 conditionals × K/X
	}
	got := map[Class]int{}
	for op := 0; op < 256; op++ {
		if OpCode(op).Valid() {
			got[OpCode(op).Class()]++
		}
	}
	for c, n := range want {
		if got[c] != n {
			t.Errorf("%v: %d valid opcodes, want %d", c, got[c], n)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ins   Instruction
		field string // "" if valid
	}{
		{"add imm", Instruction{OpCode: 0x07, Dst: 1, Imm: -1}, ""},
		{"add imm src", Instruction{OpCode: 0x07, Src: 1, Imm: 1}, "src"},
		{"add imm offset", Instruction{OpCode: 0x07, Offset: 1}, "offset"},
		{"add reg imm", Instruction{OpCode: 0x0f, Src: 1, Imm: 1}, "imm"},
		{"sdiv", Instruction{OpCode: 0x3f, Src: 1, Offset: 1}, ""},
		{"div offset 2", Instruction{OpCode: 0x3f, Src: 1, Offset: 2}, "offset"},
		{"smod32 imm", Instruction{OpCode: 0x94, Offset: 1, Imm: 3}, ""},
		{"movsx32 8", Instruction{OpCode: 0xbc, Src: 1, Offset: 8}, ""},
		{"movsx32 32", Instruction{OpCode: 0xbc, Src: 1, Offset: 32}, "offset"},
		{"movsx64 32", Instruction{OpCode: 0xbf, Src: 1, Offset: 32}, ""},
		{"mov imm offset", Instruction{OpCode: 0xb7, Offset: 8}, "offset"},
		{"neg imm", Instruction{OpCode: 0x87, Imm: 1}, "imm"},
		{"neg reg form", Instruction{OpCode: 0x8f}, "opcode"},
		{"le16", Instruction{OpCode: 0xd4, Dst: 1, Imm: 16}, ""},
		{"be width 8", Instruction{OpCode: 0xdc, Imm: 8}, "imm"},
		{"bswap64", Instruction{OpCode: 0xd7, Imm: 64}, ""},
		{"bswap X", Instruction{OpCode: 0xdf, Imm: 64}, "opcode"},
		{"ja dst", Instruction{OpCode: 0x05, Dst: 1}, "dst"},
		{"ja imm", Instruction{OpCode: 0x05, Imm: 1}, "imm"},
		{"ja32", Instruction{OpCode: 0x06, Imm: -5}, ""},
		{"ja32 offset", Instruction{OpCode: 0x06, Offset: 1}, "offset"},
		{"jeq imm src", Instruction{OpCode: 0x15, Src: 1}, "src"},
		{"jeq reg imm", Instruction{OpCode: 0x1d, Imm: 1}, "imm"},
		{"call dst", Instruction{OpCode: 0x85, Dst: 1}, "dst"},
		{"call offset", Instruction{OpCode: 0x85, Offset: 1}, "offset"},
		{"call kind 3", Instruction{OpCode: 0x85, Src: 3}, "src"},
		{"call local", Instruction{OpCode: 0x85, Src: 1, Imm: -2}, ""},
		{"callx", Instruction{OpCode: 0x8d, Dst: 2}, ""},
		{"callx imm", Instruction{OpCode: 0x8d, Dst: 2, Imm: 1}, "imm"},
		{"exit src", Instruction{OpCode: 0x95, Src: 1}, "src"},
		{"call32", Instruction{OpCode: 0x86}, "opcode"},
		{"lddw", Instruction{OpCode: 0x18, Dst: 1, Imm: 1}, ""},
		{"lddw kind 7", Instruction{OpCode: 0x18, Src: 7}, "src"},
		{"lddw offset", Instruction{OpCode: 0x18, Offset: 1}, "offset"},
		{"ldxw imm", Instruction{OpCode: 0x61, Imm: 1}, "imm"},
		{"ldxsw", Instruction{OpCode: 0x81, Dst: 1, Src: 2, Offset: -4}, ""},
		{"ldxsdw", Instruction{OpCode: 0x99}, "opcode"},
		{"stw src", Instruction{OpCode: 0x62, Src: 1}, "src"},
		{"stxdw imm", Instruction{OpCode: 0x7b, Imm: 1}, "imm"},
		{"lock xor", Instruction{OpCode: 0xdb, Dst: 10, Src: 1, Offset: -8, Imm: 0xa0}, ""},
		{"lock bad op", Instruction{OpCode: 0xdb, Imm: 0x10}, "imm"},
		{"lock16", Instruction{OpCode: 0xcb}, "opcode"},
		{"dst r11", Instruction{OpCode: 0xb7, Dst: 11}, "dst"},
		{"src r11", Instruction{OpCode: 0xbf, Src: 11}, "src"},
		{"ldabsb", Instruction{OpCode: 0x30, Imm: 10}, ""},
		{"ldabsb dst", Instruction{OpCode: 0x30, Dst: 1}, "dst"},
		{"ldindh", Instruction{OpCode: 0x48, Src: 1}, ""},
		{"opcode 0", Instruction{}, "opcode"},
	} {
		err := tc.ins.Validate()
		var fe *FieldError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v, want valid", tc.name, err)
		case tc.field != "" && !errors.As(err, &fe):
			t.Errorf("%s: %v, want a FieldError for %s", tc.name, err, tc.field)
		case tc.field != "" && fe.Field != tc.field:
			t.Errorf("%s: error on %s (%v), want %s", tc.name, fe.Field, err, tc.field)
		}
	}
}

func TestValidateWide(t *testing.T) {
	if err := ValidateWide(Instruction{Imm: -1}); err != nil {
		t.Errorf("imm only: %v", err)
	}
	for _, next := range []Instruction{{OpCode: 0x18}, {Dst: 1}, {Src: 1}, {Offset: 1}} {
		if ValidateWide(next) == nil {
			t.Errorf("%+v accepted as second lddw slot", next)
		}
	}
}

func TestJumpTarget(t *testing.T) {
	for _, tc := range []struct {
		ins    Instruction
		target int
		ok     bool
	}{
		{Instruction{OpCode: 0x05, Offset: -1}, 10, true},     // ja -1 at 10
		{Instruction{OpCode: 0x06, Imm: 5}, 16, true},         // ja32 +5
		{Instruction{OpCode: 0x1d, Offset: 3}, 14, true},      // jeq
		{Instruction{OpCode: 0x85, Src: 1, Imm: 2}, 13, true}, // call local
		{Instruction{OpCode: 0x85, Imm: 2}, 0, false},         // helper call
		{Instruction{OpCode: 0x8d, Dst: 1}, 0, false},         // callx
		{Instruction{OpCode: 0x95}, 0, false},                 // exit
		{Instruction{OpCode: 0x07, Offset: 3}, 0, false},      // add
		{Instruction{OpCode: 0x0e, Offset: 3}, 0, false},      // invalid JMP32 ja X
	} {
		target, ok := tc.ins.JumpTarget(10)
		if target != tc.target || ok != tc.ok {
			t.Errorf("%+v at 10: JumpTarget = %d, %v; want %d, %v", tc.ins, target, ok, tc.target, tc.ok)
		}
	}
}

func TestImm64(t *testing.T) {
	pair := LDDW(R3, 0x8877665544332211)
	if pair[0].Dst != R3 || Imm64(pair[0], pair[1]) != 0x8877665544332211 {
		t.Errorf("LDDW/Imm64 round trip: %+v", pair)
	}
}
