package amd64

import (
	"bytes"
	"os"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// TestCompileMappedSameCode: CompileMapped writes into executable memory
// exactly the code and slot offsets Compile returns, including near jumps
// and out-of-line stubs.
func TestCompileMappedSameCode(t *testing.T) {
	src := "mov %r0, 0\nmov %r1, 100\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\n"
	for range 40 {
		src += "mov %r2, %r0\nadd %r2, 7\n" // pushes the loop's fuel stub out of short-jump range
	}
	src += "exit\n"
	insns, err := bpf.Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{LoadMask: 1<<20 - 1, StoreMask: 1<<16 - 1, StateAddr: 1 << 21}
	want, err := Compile(insns, opts)
	if err != nil {
		t.Fatal(err)
	}
	code, err := CompileMapped(insns, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer code.Free()
	// The mapping is read+execute: read it as the kernel shows it.
	mem, err := os.Open("/proc/self/mem")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	got := make([]byte, code.Size())
	if _, err := mem.ReadAt(got, int64(code.mem.Addr())); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Code) {
		t.Fatalf("mapped code differs:\n got % x\nwant % x", got, want.Code)
	}
	for pc, off := range want.PCOffset {
		if off < 0 {
			continue
		}
		if addr, err := code.Addr(pc); err != nil || addr != uint64(code.mem.Addr())+uint64(off) {
			t.Fatalf("slot %d: Addr = %#x, %v; want offset %d", pc, addr, err, off)
		}
	}
}
