package bpf

import (
	"bytes"
	"strings"
	"testing"
)

// fuzzSeeds are assembly snippets covering every statement form.
var fuzzSeeds = []string{
	"mov %r0, 1\nexit",
	"lddw %r1, 0x1122334455667788\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit",
	"l:\nlock fetch add32 [%r10-4], %r1\njne32 %r1, 0xffffffff, l\nja exit\nexit",
	"call local f\ncall 5\ncall %r2\nexit\nf:\nmovsx864 %r0, %r1\nbswap16 %r0\nbe64 %r0\nja32 -1",
	"sdiv32 %r1, -3\nsmod %r1, %r2\nneg32 %r1\nstb [%r1+0x10], 0x7f\nlock cmpxchg [%r1], %r2",
}

// FuzzAssemble checks that Assemble never panics, returns a program or an
// *AsmError, and that each program survives encode and decode.
func FuzzAssemble(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := Assemble(src)
		if err != nil {
			if _, ok := err.(*AsmError); !ok {
				t.Fatalf("error %T %v is not an *AsmError", err, err)
			}
			return
		}
		back, err := DecodeProgram(EncodeProgram(prog))
		if err != nil || len(back) != len(prog) {
			t.Fatalf("re-decoding %d slots: %d, %v", len(prog), len(back), err)
		}
		_ = Disassemble(prog)
	})
}

// FuzzDisassemble feeds arbitrary bytes to the decoder and disassembler:
// no panic, one line per instruction (an lddw and its second slot share one).
func FuzzDisassemble(f *testing.F) {
	for _, s := range fuzzSeeds {
		prog, _ := Assemble(s)
		f.Add(EncodeProgram(prog))
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		code = code[:len(code)/SlotSize*SlotSize]
		prog, err := DecodeProgram(code)
		if err != nil {
			t.Fatal(err)
		}
		text := Disassemble(prog)
		lines := strings.Count(text, "\n")
		if lines > len(prog) || lines < (len(prog)+1)/2 {
			t.Fatalf("%d lines for %d slots:\n%s", lines, len(prog), text)
		}
		for _, ins := range prog {
			_ = ins.String()
			_ = ins.OpCode.String()
			_, _ = ins.JumpTarget(0)
		}
	})
}

// FuzzRoundTrip checks that decoding then encoding a slot gives back the
// same 8 bytes.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0x18, 0x21, 0x02, 0x01, 0x88, 0x77, 0x66, 0x55})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < SlotSize {
			return
		}
		b = b[:SlotSize]
		if got := Decode(b).Append(nil); !bytes.Equal(got, b) {
			t.Fatalf("% x → % x", b, got)
		}
	})
}
