package bpf

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct {
		ins  Instruction
		want string
	}{
		{Instruction{OpCode: 0xb4, Dst: 1, Imm: -1}, "w1 = -1"},
		{Instruction{OpCode: 0x3c, Dst: 1, Src: 2, Offset: 1}, "w1 s/= w2"},
		{Instruction{OpCode: 0x97, Dst: 1, Offset: 1, Imm: 3}, "r1 s%= 3"},
		{Instruction{OpCode: 0xbf, Dst: 1, Src: 2, Offset: 32}, "r1 = (s32)r2"},
		{Instruction{OpCode: 0xbc, Dst: 1, Src: 2, Offset: 8}, "w1 = (s8)w2"},
		{Instruction{OpCode: 0x84, Dst: 3}, "w3 = -w3"},
		{Instruction{OpCode: 0xd7, Dst: 3, Imm: 32}, "r3 = bswap32 r3"},
		{Instruction{OpCode: 0xdc, Dst: 3, Imm: 16}, "r3 = be16 r3"},
		{Instruction{OpCode: 0x06, Imm: -4}, "gotol -4"},
		{Instruction{OpCode: 0x05}, "goto +0"},
		{Instruction{OpCode: 0xce, Dst: 1, Src: 2, Offset: 7}, "if w1 s< w2 goto +7"},
		{Instruction{OpCode: 0x45, Dst: 1, Imm: 8, Offset: -2}, "if r1 & 8 goto -2"},
		{Instruction{OpCode: 0x85, Src: 1, Imm: 4}, "call pc+4"},
		{Instruction{OpCode: 0x85, Src: 2, Imm: 4}, "call btf_id 4"},
		{Instruction{OpCode: 0x8d, Dst: 2}, "callx r2"},
		{Instruction{OpCode: 0x91, Dst: 1, Src: 2, Offset: -32768}, "r1 = *(s8 *)(r2 - 32768)"},
		{Instruction{OpCode: 0x7a, Dst: 10, Offset: -8, Imm: 5}, "*(u64 *)(r10 - 8) = 5"},
		{Instruction{OpCode: 0xc3, Dst: 10, Src: 1, Offset: -4, Imm: 0x50}, "lock *(u32 *)(r10 - 4) &= w1"},
		{Instruction{OpCode: 0xc3, Dst: 10, Src: 1, Offset: -4, Imm: 0xa1}, "w1 = atomic_fetch_xor((u32 *)(r10 - 4), w1)"},
		{Instruction{OpCode: 0xc3, Dst: 10, Src: 1, Offset: -4, Imm: 0xe1}, "w1 = xchg32_32(r10 - 4, w1)"},
		{Instruction{OpCode: 0xdb, Dst: 10, Src: 1, Offset: -4, Imm: 0xf1}, "r0 = cmpxchg_64(r10 - 4, r0, r1)"},
		{Instruction{OpCode: 0x50, Src: 3, Imm: -2}, "r0 = *(u8 *)skb[r3 - 2]"},
		{Instruction{OpCode: 0x28, Imm: 12}, "r0 = *(u16 *)skb[12]"},
		{Instruction{OpCode: 0x18, Dst: 2, Imm: 0x10}, "r2 = 0x10 ll (low half)"},
		{Instruction{OpCode: 0x07, Src: 1, Imm: 1}, ".inv 0x0000000100001007"},
		{Instruction{OpCode: 0xff, Dst: 0xf, Src: 0xf, Offset: -1, Imm: -1}, ".inv 0xffffffffffffffff"},
	} {
		if got := tc.ins.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.ins, got, tc.want)
		}
	}
}

func TestDisassembleWide(t *testing.T) {
	for _, tc := range []struct {
		prog []Instruction
		want string
	}{
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 1, Imm: 3}, {}}, "r1 = map_by_fd(3) ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 2, Imm: 3}, {Imm: 8}}, "r1 = map_val(map_by_fd(3)) + 8 ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 3, Imm: 3}, {}}, "r1 = var_addr(3) ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 4, Imm: 3}, {}}, "r1 = code_addr(3) ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 5, Imm: 3}, {}}, "r1 = map_by_idx(3) ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Src: 6, Imm: 3}, {Imm: -1}}, "r1 = map_val(map_by_idx(3)) - 1 ll"},
		{[]Instruction{{OpCode: 0x18, Dst: 1, Imm: -1}, {Imm: -1}}, "r1 = 0xffffffffffffffff ll"},
		// No second slot, or a second slot with fields set: both print as
		// .inv, and the second slot then stands alone.
		{[]Instruction{{OpCode: 0x18, Dst: 1}}, ".inv 0x0000000000000118"},
		{[]Instruction{{OpCode: 0x18, Dst: 1}, {Dst: 1}}, ".inv 0x0000000000000118\n.inv 0x0000000000000100"},
	} {
		var lines []string
		for _, l := range strings.Split(strings.TrimSuffix(Disassemble(tc.prog), "\n"), "\n") {
			lines = append(lines, l[strings.LastIndexByte(l, '\t')+1:])
		}
		if got := strings.Join(lines, "\n"); got != tc.want {
			t.Errorf("%+v:\n%s\nwant\n%s", tc.prog, got, tc.want)
		}
	}
}
