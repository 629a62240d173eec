package amd64

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

func mustAssemble(tb testing.TB, src string) []bpf.Instruction {
	tb.Helper()
	p, err := bpf.Assemble(src)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkComputeLoop runs a 1000-iteration arithmetic loop (6
// instructions per iteration) per op: ns/op / 6000 is ns per instruction.
func BenchmarkComputeLoop(b *testing.B) {
	prog := mustAssemble(b, `
mov %r0, 0
mov %r1, 1000
L:
add %r0, %r1
xor %r0, 0x55
lsh %r0, 1
rsh %r0, 1
sub %r1, 1
jne %r1, 0, L
exit
`)
	r, err := newTestRunner(b, prog, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := r.run(nil, 1<<40); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHelperCall makes 1000 helper calls per op (helper 2, no-op):
// ns/op / 1000 is the cost of one round trip through Go.
func BenchmarkHelperCall(b *testing.B) {
	prog := mustAssemble(b, `
mov %r6, 1000
L:
call 2
sub %r6, 1
jne %r6, 0, L
exit
`)
	r, err := newTestRunner(b, prog, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := r.run(nil, 1<<40); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile10k compiles a 10,000-instruction program.
func BenchmarkCompile10k(b *testing.B) {
	var prog []bpf.Instruction
	for len(prog) < 9999 {
		prog = append(prog,
			bpf.Instruction{OpCode: bpf.OpCode(byte(bpf.ClassALU64) | byte(bpf.SrcK) | byte(bpf.ALUAdd)), Dst: bpf.R0, Imm: 3},
			bpf.Instruction{OpCode: bpf.OpCode(byte(bpf.ClassLDX) | byte(bpf.ModeMEM) | byte(bpf.SizeDW)), Dst: bpf.R1, Src: bpf.R10, Offset: -8},
			bpf.Instruction{OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.SrcK) | byte(bpf.JumpJEQ)), Dst: bpf.R1, Imm: 7},
		)
	}
	prog = append(prog, bpf.Instruction{OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpExit))})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(prog, Options{LoadMask: 1<<17 - 1, StoreMask: 1<<16 - 1}); err != nil {
			b.Fatal(err)
		}
	}
}
