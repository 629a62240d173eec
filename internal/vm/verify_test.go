package vm

import (
	"errors"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// asm assembles src in the corpus dialect or fails the test.
func asm(t testing.TB, src string) []bpf.Instruction {
	t.Helper()
	insns, err := bpf.Assemble(src)
	if err != nil {
		t.Fatalf("assemble: %v\n%s", err, src)
	}
	return insns
}

// ins builds one raw instruction slot.
func ins(op uint8, dst, src bpf.Register, off int16, imm int32) bpf.Instruction {
	return bpf.Instruction{OpCode: bpf.OpCode(op), Dst: dst, Src: src, Offset: off, Imm: imm}
}

var exitInsn = ins(0x95, 0, 0, 0, 0)

func conformanceHelpers(t testing.TB) *Helpers {
	t.Helper()
	h := NewHelpers()
	if err := RegisterConformanceHelpers(h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestVerifyRejects(t *testing.T) {
	lddw := func(dst bpf.Register, src bpf.Register) []bpf.Instruction {
		return []bpf.Instruction{ins(0x18, dst, src, 0, 1), ins(0, 0, 0, 0, 0)}
	}
	cases := []struct {
		name   string
		prog   []bpf.Instruction
		reason string
	}{
		{"empty", nil, "empty program"},
		{"unknown opcode", []bpf.Instruction{ins(0xff, 0, 0, 0, 0), exitInsn}, "unknown"},
		{"unknown ALU op 0xe", []bpf.Instruction{ins(0xe7, 0, 0, 0, 0), exitInsn}, "unknown ALU operation"},
		{"unknown jump op 0xe", []bpf.Instruction{ins(0xe5, 0, 0, 0, 0), exitInsn}, "unknown jump operation"},
		{"LD that is not lddw", []bpf.Instruction{ins(0x00, 0, 0, 0, 0), exitInsn}, "unknown opcode"},
		{"legacy packet load", []bpf.Instruction{ins(0x20, 0, 0, 0, 0), exitInsn}, "legacy packet access"},
		{"ST atomic", []bpf.Instruction{ins(0xc2, 10, 0, -8, 0), exitInsn}, "unknown opcode"},
		{"STX MEMSX", []bpf.Instruction{ins(0x83, 10, 1, -8, 0), exitInsn}, "unknown opcode"},
		{"LDX MEMSX DW", []bpf.Instruction{ins(0x99, 0, 10, -8, 0), exitInsn}, "unknown opcode"},
		{"atomic on a byte", []bpf.Instruction{ins(0xd3, 10, 1, -8, 0), exitInsn}, "unknown opcode"},
		{"bad dst register", []bpf.Instruction{ins(0xb7, 11, 0, 0, 1), exitInsn}, "invalid destination register r11"},
		{"bad src register", []bpf.Instruction{ins(0xbf, 0, 11, 0, 0), exitInsn}, "invalid source register r11"},
		{"write r10 by ALU", asm(t, "mov %r10, 1\nexit"), "write to r10"},
		{"write r10 by load", asm(t, "ldxdw %r10, [%r1]\nexit"), "write to r10"},
		{"write r10 by lddw", append(lddw(10, 0), exitInsn), "write to r10"},
		{"atomic fetch into r10", []bpf.Instruction{ins(0xdb, 1, 10, 0, 0x01), exitInsn}, "atomic fetch into r10"},
		{"ALU K with src", []bpf.Instruction{ins(0x07, 0, 1, 0, 1), exitInsn}, "nonzero src"},
		{"ALU X with imm", []bpf.Instruction{ins(0x0f, 0, 1, 0, 1), exitInsn}, "nonzero imm"},
		{"ALU with offset", []bpf.Instruction{ins(0x07, 0, 0, 1, 1), exitInsn}, "invalid offset"},
		{"sdiv with offset 2", []bpf.Instruction{ins(0x3f, 0, 1, 2, 0), exitInsn}, "invalid offset"},
		{"movsx32 in ALU32", []bpf.Instruction{ins(0xbc, 0, 1, 32, 0), exitInsn}, "invalid offset"},
		{"movsx with K", []bpf.Instruction{ins(0xb7, 0, 0, 8, 0), exitInsn}, "invalid offset"},
		{"neg with X", []bpf.Instruction{ins(0x8f, 0, 1, 0, 0), exitInsn}, "neg"},
		{"neg with imm", []bpf.Instruction{ins(0x87, 0, 0, 0, 1), exitInsn}, "neg"},
		{"byte swap width", []bpf.Instruction{ins(0xd4, 0, 0, 0, 8), exitInsn}, "invalid byte swap width 8"},
		{"bswap with source bit", []bpf.Instruction{ins(0xdf, 0, 0, 0, 16), exitInsn}, "bswap"},
		{"byte swap with offset", []bpf.Instruction{ins(0xdc, 0, 0, 1, 16), exitInsn}, "zero src and offset"},
		{"ja with imm", []bpf.Instruction{ins(0x05, 0, 0, 0, 1), exitInsn}, "ja must have zero imm"},
		{"ja with dst", []bpf.Instruction{ins(0x05, 1, 0, 0, 0), exitInsn}, "ja must have zero dst"},
		{"ja32 with offset", []bpf.Instruction{ins(0x06, 0, 0, 1, 0), exitInsn}, "ja32 must have zero offset"},
		{"ja with source bit", []bpf.Instruction{ins(0x0d, 0, 0, 0, 0), exitInsn}, "ja has no source bit"},
		{"jeq K with src", []bpf.Instruction{ins(0x15, 0, 1, 0, 0), exitInsn}, "nonzero src"},
		{"jeq X with imm", []bpf.Instruction{ins(0x1d, 0, 1, 0, 1), exitInsn}, "nonzero imm"},
		{"call with dst", []bpf.Instruction{ins(0x85, 1, 0, 0, 0), exitInsn}, "call must have zero dst"},
		{"call BTF", []bpf.Instruction{ins(0x85, 0, 2, 0, 0), exitInsn}, "BTF"},
		{"call kind 3", []bpf.Instruction{ins(0x85, 0, 3, 0, 0), exitInsn}, "invalid call kind"},
		{"call in JMP32", []bpf.Instruction{ins(0x86, 0, 0, 0, 0), exitInsn}, "JMP class only"},
		{"callx with imm", []bpf.Instruction{ins(0x8d, 1, 0, 0, 1), exitInsn}, "callx must have zero"},
		{"exit with imm", []bpf.Instruction{ins(0x95, 0, 0, 0, 1)}, "exit must have zero"},
		{"exit in JMP32", []bpf.Instruction{ins(0x96, 0, 0, 0, 0), exitInsn}, "exit is 0x95 only"},
		{"load with imm", []bpf.Instruction{ins(0x61, 0, 1, 0, 1), exitInsn}, "load with nonzero imm"},
		{"store imm with src", []bpf.Instruction{ins(0x62, 1, 2, 0, 1), exitInsn}, "nonzero src"},
		{"store reg with imm", []bpf.Instruction{ins(0x63, 1, 2, 0, 1), exitInsn}, "nonzero imm"},
		{"unknown atomic op", []bpf.Instruction{ins(0xdb, 10, 1, -8, 0x10), exitInsn}, "unknown atomic operation"},
		{"incomplete lddw", []bpf.Instruction{exitInsn, ins(0x18, 0, 0, 0, 1)}, "incomplete lddw"},
		{"lddw map fd", append(lddw(0, 1), exitInsn), "lddw source type 1"},
		{"lddw offset", []bpf.Instruction{ins(0x18, 0, 0, 1, 0), ins(0, 0, 0, 0, 0), exitInsn}, "lddw with nonzero offset"},
		{"lddw dirty second slot", []bpf.Instruction{ins(0x18, 0, 0, 0, 0), ins(0, 1, 0, 0, 0), exitInsn}, "invalid lddw second slot"},
		{"jump out of range", asm(t, "ja +5\nexit"), "out of bounds"},
		{"jump before start", asm(t, "ja -3\nexit"), "out of bounds"},
		{"jump to itself", asm(t, "ja -1\nexit"), "jump to itself"},
		{"jump into lddw", asm(t, "ja +1\nlddw %r0, 1\nexit"), "middle of lddw"},
		{"falls off the end", asm(t, "mov %r0, 1"), "falls off the end"},
		{"ends in lddw", asm(t, "lddw %r0, 1"), "falls off the end"},
		{"ends in a call", asm(t, "call 2"), "falls off the end"},
		{"function falls through", asm(t, "call local f\nexit\nf:\nmov %r0, 1\ng:\nexit\nja g"), ""},
		{"subprogram falls through", asm(t, "call local f\nexit\nf:\nmov %r0, 1"), "falls off the end"},
		{"subprogram falls into next", asm(t, "call local f\ncall local g\nexit\nf:\nmov %r0, 1\ng:\nexit"), "falls through into the function"},
		{"jump between functions", asm(t, "call local f\nL:\nexit\nf:\nja L\nexit"), "outside its function"},
		{"local call out of range", []bpf.Instruction{ins(0x85, 0, 1, 0, 10), exitInsn}, "local call target"},
		{"local call into lddw", []bpf.Instruction{ins(0x85, 0, 1, 0, 2), exitInsn, ins(0x18, 0, 0, 0, 0), ins(0, 0, 0, 0, 0), exitInsn}, "local call into the middle of lddw"},
		{"unregistered helper", asm(t, "call 63\nexit"), "unregistered helper 63"},
		{"stack below frame", asm(t, "stb [%r10-4097], 0\nexit"), "outside the 4096-byte frame"},
		{"stack above frame", asm(t, "stb [%r10], 0\nexit"), "outside the 4096-byte frame"},
		{"stack straddling top", asm(t, "ldxdw %r0, [%r10-4]\nexit"), "outside the 4096-byte frame"},
		{"static call depth", deepCalls(9), "nested frames"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadCode(c.prog, Options{Helpers: conformanceHelpers(t)})
			if c.reason == "" {
				// The control case: the program is fine.
				if err != nil {
					t.Fatalf("rejected a valid program: %v", err)
				}
				return
			}
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a VerifyError containing %q", err, c.reason)
			}
			if !strings.Contains(ve.Reason, c.reason) {
				t.Errorf("got %q, want it to contain %q", ve.Error(), c.reason)
			}
		})
	}
}

// deepCalls is a chain of n functions, each calling the next.
func deepCalls(n int) []bpf.Instruction {
	var src strings.Builder
	for i := range n {
		src.WriteString("f" + string(rune('a'+i)) + ":\n")
		if i+1 < n {
			src.WriteString("call local f" + string(rune('a'+i+1)) + "\n")
		}
		src.WriteString("exit\n")
	}
	insns, err := bpf.Assemble(src.String())
	if err != nil {
		panic(err)
	}
	return insns
}

func TestVerifyAccepts(t *testing.T) {
	for name, prog := range map[string][]bpf.Instruction{
		"call depth 8":   deepCalls(8),
		"recursion":      asm(t, "f:\ncall local f\nexit"),
		"stack extremes": asm(t, "stb [%r10-4096], 0\nstdw [%r10-8], 0\nexit"),
		"loop":           asm(t, "mov %r0, 0\nL:\nadd %r0, 1\njlt %r0, 10, L\nexit"),
		"ja32 back":      asm(t, "mov %r0, 0\nL:\nadd %r0, 1\njeq %r0, 10, +1\nja32 L\nexit"),
	} {
		if _, err := LoadCode(prog, Options{Helpers: conformanceHelpers(t)}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestVerifyCodeSizeLimit(t *testing.T) {
	prog := make([]bpf.Instruction, 100)
	for i := range prog {
		prog[i] = ins(0xb7, 0, 0, 0, int32(i))
	}
	prog[99] = exitInsn
	if _, err := LoadCode(prog, Options{CodeSizeLimit: 100 * 8}); err != nil {
		t.Fatalf("program at the limit: %v", err)
	}
	_, err := LoadCode(prog, Options{CodeSizeLimit: 99 * 8})
	var ve *VerifyError
	if !errors.As(err, &ve) || !strings.Contains(ve.Reason, "code size limit") {
		t.Fatalf("program over the limit: got %v", err)
	}
	huge := make([]bpf.Instruction, DefaultCodeSizeLimit/8+1)
	huge[len(huge)-1] = exitInsn
	if _, err := LoadCode(huge, Options{}); !errors.As(err, &ve) {
		t.Fatalf("huge program over the default limit: got %v", err)
	}
}

func TestVerifyErrorPrintsInstruction(t *testing.T) {
	_, err := LoadCode(asm(t, "mov %r0, 1\nmov %r10, 1\nexit"), Options{})
	if err == nil || !strings.Contains(err.Error(), "pc 1") || !strings.Contains(err.Error(), "r10") {
		t.Fatalf("got %v, want the slot and the disassembled instruction", err)
	}
}

func TestLoadJITOn(t *testing.T) {
	p, err := LoadCode([]bpf.Instruction{exitInsn}, Options{JIT: JITOn})
	switch {
	case hasJIT && (err != nil || !p.JIT()):
		t.Fatalf("JIT on: got %v, want JIT-compiled code", err)
	case !hasJIT && !errors.Is(err, ErrNotSupported):
		t.Fatalf("JIT on without a JIT: got %v, want ErrNotSupported", err)
	}
	if p, err := LoadCode([]bpf.Instruction{exitInsn}, Options{JIT: JITOff}); err != nil || p.JIT() {
		t.Fatalf("JIT off: got %v, JIT %v", err, p != nil && p.JIT())
	}
}
