package bpf_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// llvmSamples returns, for every valid opcode, a few instructions that
// Validate accepts, with varied registers, offsets and immediates.
func llvmSamples() []bpf.Instruction {
	var out []bpf.Instruction
	for op := 0; op < 256; op++ {
		n := 0
		for _, dst := range []bpf.Register{1, 0, 10} {
			for _, src := range []bpf.Register{2, 0, 1} {
				for _, off := range []int16{-8, 0, 3, 1, 16, 32} {
					for _, imm := range []int32{-3, 0, 7, 16, 64, 0x41, 0xf1, 0x7fffffff} {
						ins := bpf.Instruction{OpCode: bpf.OpCode(op), Dst: dst, Src: src, Offset: off, Imm: imm}
						if n < 3 && ins.Validate() == nil {
							out = append(out, ins)
							n++
						}
					}
				}
			}
		}
	}
	return out
}

// llvmDiffers reports the forms whose text deliberately differs from LLVM
// 14's: it prints local calls, BTF calls and callx from imm alone, ignores
// the imm of an indirect packet load, knows no lddw src kinds, and ignores
// the ALU offset that selects sdiv, smod and movsx (added in LLVM 18).
func llvmDiffers(ins bpf.Instruction) bool {
	op := ins.OpCode
	switch {
	case op.Class().IsALU():
		return ins.Offset != 0
	case op.Class() == bpf.ClassJMP && op.JumpOp() == bpf.JumpCall:
		return !ins.IsHelperCall()
	case op.Class() == bpf.ClassLD && op.Mode() == bpf.ModeIND:
		return ins.Imm != 0
	case ins.IsWide():
		return ins.Src != 0
	}
	return false
}

var (
	llvmWarning = regexp.MustCompile(`<stdin>:(\d+):\d+: warning: invalid instruction encoding`)
	llvmSubReg  = regexp.MustCompile(`\bw(\d+)\b`)
	llvmLL      = regexp.MustCompile(`= (-?\d+) ll$`)
)

// TestMatchesLLVM disassembles a sample of every valid opcode with
// llvm-mc (in alu32 mode, which names 32-bit registers w) and compares the
// text with ours. Instructions LLVM 14 predates (the v4 additions, jset
// and st with an immediate) are reported as invalid by it and skipped.
func TestMatchesLLVM(t *testing.T) {
	mc, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Skip("llvm-mc not installed")
	}
	var samples [][]bpf.Instruction
	for _, ins := range llvmSamples() {
		if llvmDiffers(ins) {
			continue
		}
		if ins.IsWide() {
			samples = append(samples, []bpf.Instruction{ins, {Imm: -2}})
			continue
		}
		samples = append(samples, []bpf.Instruction{ins})
	}
	var in bytes.Buffer
	for _, s := range samples {
		for i, b := range bpf.EncodeProgram(s) {
			if i > 0 {
				in.WriteByte(' ')
			}
			fmt.Fprintf(&in, "0x%02x", b)
		}
		in.WriteByte('\n')
	}
	cmd := exec.Command(mc, "--disassemble", "-triple=bpfel", "-mattr=+alu32")
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("llvm-mc: %v\n%s", err, stderr.String())
	}
	invalid := map[int]bool{}
	for _, m := range llvmWarning.FindAllStringSubmatch(stderr.String(), -1) {
		n, _ := strconv.Atoi(m[1])
		invalid[n-1] = true
	}
	var lines []string
	for _, l := range strings.Split(stdout.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, ".") {
			lines = append(lines, l)
		}
	}
	compared := 0
	for i, s := range samples {
		if invalid[i] {
			t.Logf("llvm-mc cannot decode %s", s[0])
			continue
		}
		if len(lines) == 0 {
			t.Fatalf("llvm-mc output ends early at sample %d", i)
		}
		want := lines[0]
		lines = lines[1:]
		got := s[0].String()
		if s[0].IsWide() {
			got = strings.Join(strings.Fields(bpf.Disassemble(s))[17:], " ")
			if m := llvmLL.FindStringSubmatch(want); m != nil {
				v, _ := strconv.ParseInt(m[1], 10, 64)
				want = strings.Replace(want, m[1], fmt.Sprintf("%#x", uint64(v)), 1)
			}
		}
		mem := s[0].OpCode.Class().IsLoadStore() && s[0].OpCode.Mode() != bpf.ModeATOMIC
		if mem {
			want = llvmSubReg.ReplaceAllString(want, "r$1")
		}
		compared++
		if got != want {
			t.Errorf("% x: got %q, llvm-mc %q", bpf.EncodeProgram(s), got, want)
		}
	}
	t.Logf("compared %d instructions with llvm-mc, %d it cannot decode", compared, len(invalid))
}
