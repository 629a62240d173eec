package bpf

import (
	"errors"
	"strings"
	"testing"
)

func TestAssemble(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []Instruction
	}{
		{"mov64 %r1, -1", []Instruction{{OpCode: 0xb7, Dst: 1, Imm: -1}}},
		{"add32 %r1, 0xffffffff", []Instruction{{OpCode: 0x04, Dst: 1, Imm: -1}}},
		{"neg64 %r3", []Instruction{{OpCode: 0x87, Dst: 3}}},
		{"sdiv32 %r1, %r2", []Instruction{{OpCode: 0x3c, Dst: 1, Src: 2, Offset: 1}}},
		{"smod %r1, 3", []Instruction{{OpCode: 0x97, Dst: 1, Offset: 1, Imm: 3}}},
		{"movsx1632 %r1, %r2", []Instruction{{OpCode: 0xbc, Dst: 1, Src: 2, Offset: 16}}},
		{"movsx3264 %r1, %r2", []Instruction{{OpCode: 0xbf, Dst: 1, Src: 2, Offset: 32}}},
		{"be32 %r4", []Instruction{{OpCode: 0xdc, Dst: 4, Imm: 32}}},
		{"swap16 %r4", []Instruction{{OpCode: 0xd7, Dst: 4, Imm: 16}}},
		{"bswap64 %r4", []Instruction{{OpCode: 0xd7, Dst: 4, Imm: 64}}},
		{"ldxsh %r1, [%r2-2]", []Instruction{{OpCode: 0x89, Dst: 1, Src: 2, Offset: -2}}},
		{"ldxb %r1, [%r2+0xffff]", []Instruction{{OpCode: 0x71, Dst: 1, Src: 2, Offset: -1}}},
		{"ldxb %r1, [%r2-0x10]", []Instruction{{OpCode: 0x71, Dst: 1, Src: 2, Offset: -16}}},
		{"stdw [%r10-8], -3", []Instruction{{OpCode: 0x7a, Dst: 10, Offset: -8, Imm: -3}}},
		{"stxh [%r1+2], %r3", []Instruction{{OpCode: 0x6b, Dst: 1, Src: 3, Offset: 2}}},
		{"lock fetch xor32 [%r10-4], %r2", []Instruction{{OpCode: 0xc3, Dst: 10, Src: 2, Offset: -4, Imm: 0xa1}}},
		{"lock cmpxchg [%r1], %r2", []Instruction{{OpCode: 0xdb, Dst: 1, Src: 2, Imm: 0xf1}}},
		{"call helper 7", []Instruction{{OpCode: 0x85, Imm: 7}}},
		{"call runtime 9", []Instruction{{OpCode: 0x85, Src: 2, Imm: 9}}},
		{"call %r2", []Instruction{{OpCode: 0x8d, Dst: 2}}},
		{"call local +3", []Instruction{{OpCode: 0x85, Src: 1, Imm: 3}}},
		{"lddw %r0, -1", []Instruction{{OpCode: 0x18, Imm: -1}, {Imm: -1}}},
		{"lddw %r0, 2147483648", []Instruction{{OpCode: 0x18, Imm: -1 << 31}, {}}},
		{"jsle32 %r1, -5, +0", []Instruction{{OpCode: 0xd6, Dst: 1, Imm: -5}}},
		{"ja -32768", []Instruction{{OpCode: 0x05, Offset: -32768}}},
		{"ja32 -2147483648", []Instruction{{OpCode: 0x06, Imm: -1 << 31}}},
		{"mov %r11, 0 # for the VM's register check", []Instruction{{OpCode: 0xb7, Dst: 11}}},
		// Labels: backward, forward over an lddw, and the implicit exit.
		{"top:\nlddw %r1, 1\nja top\njeq %r1, 0, exit\nexit\nja exit",
			[]Instruction{{OpCode: 0x18, Dst: 1, Imm: 1}, {}, {OpCode: 0x05, Offset: -3},
				{OpCode: 0x15, Dst: 1}, {OpCode: 0x95}, {OpCode: 0x05, Offset: -2}}},
		// An explicit exit: label wins over the first exit.
		{"ja exit\nexit\nexit:\nexit", []Instruction{{OpCode: 0x05, Offset: 1}, {OpCode: 0x95}, {OpCode: 0x95}}},
		{"call local f\nexit\nf:\nja32 f", []Instruction{{OpCode: 0x85, Src: 1, Imm: 1}, {OpCode: 0x95}, {OpCode: 0x06, Imm: -1}}},
	} {
		got, err := Assemble(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.src, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: slot %d: got %+v, want %+v", tc.src, i, got[i], tc.want[i])
			}
		}
	}
}

func TestAssembleErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		msg  string // a substring of the message
	}{
		{"exit\nmov32 %r0, 2147483648", 2, "out of range"},
		{"mov32 %r0, -2147483649", 1, "out of range"},
		{"mov32 %r0, -0x1", 1, "bad immediate"},
		{"mov32 %r0, +1", 1, "bad immediate"},
		{"mov32 %r0, 0x100000000", 1, "out of range"},
		{"lddw %r0, 0x10000000000000000", 1, "bad 64-bit"},
		{"lddw %r0, -9223372036854775809", 1, "out of range"},
		{"\n\nja NOWHERE", 3, "undefined label"},
		{"ja exit", 1, "undefined label"},
		{"a:\na:", 2, "defined twice"},
		{"a: exit", 1, "alone"},
		{"1a:", 1, "bad label"},
		{"ja 5", 1, "bad jump target"},
		{"ja +32768", 1, "out of range"},
		{"ja32 +2147483648", 1, "out of range"},
		{"add %r0 %r1", 1, "missing comma"},
		{"add %r0, %r1,", 1, "trailing comma"},
		{"add %r0,, %r1", 1, "malformed"},
		{"exit %r0", 1, "operand"},
		{"lock or [%r10-8]", 1, "operand"},
		{"lock", 1, "lock needs"},
		{"lock fetch xchg [%r10-8], %r1", 1, "always fetches"},
		{"lock nand [%r10-8], %r1", 1, "unknown atomic"},
		{"ldxq %r0, [%r1]", 1, "unknown mnemonic"},
		{"ldxsdw %r0, [%r1]", 1, "unknown mnemonic"},
		{"movsx3232 %r0, %r1", 1, "unknown mnemonic"},
		{"le8 %r0", 1, "unknown mnemonic"},
		{"ldxb %r0, %r1", 1, "memory operand"},
		{"ldxb %r0, [%r1+0x10000]", 1, "16-bit"},
		{"ldxb %r0, [%r1+32768]", 1, "16-bit"},
		{"ldxb %r0, [%r1-32769]", 1, "16-bit"},
		{"ldxb %r0, [%r1+x]", 1, "bad offset"},
		{"ldxb %r0, [r1]", 1, "not a register"},
		{"mov %r50, 1", 1, "out of range"},
		{"mov %r01, 1", 1, "not a register"},
		{"lddw %r0", 1, "operand"},
		{"call", 1, "operand"},
		{"call local", 1, "operand"},
		{"call helper %r1", 1, "bad immediate"},
		{"neg %r1, 2", 1, "operand"},
	} {
		_, err := Assemble(tc.src)
		var ae *AsmError
		if !errors.As(err, &ae) {
			t.Errorf("%q: error %v, want an *AsmError", tc.src, err)
			continue
		}
		if ae.Line != tc.line || !strings.Contains(ae.Msg, tc.msg) {
			t.Errorf("%q: %v; want line %d containing %q", tc.src, err, tc.line, tc.msg)
		}
	}
}
