package amd64

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/vm/jit/execmem"
)

// TestEnterClobbersEverything runs code that writes through RBP (the ctx)
// and trashes every general-purpose register but RSP, then checks that Go
// keeps running normally (g in R14 restored, frame pointer restored).
func TestEnterClobbersEverything(t *testing.T) {
	var a Assembler
	a.MovRI(RAX, 0x1122334455667788)
	a.MovMR(true, Mem{Base: RBP, Disp: 8}, RAX)
	for _, r := range []Reg{RAX, RCX, RDX, RBX, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15} {
		a.MovRI(r, -1)
	}
	a.MovRI(RBP, 0)
	a.Ret()
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := execmem.Map(code)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Free()
	var ctx [4]uint64
	for i := 0; i < 1000; i++ {
		ctx[1] = 0
		enter(unsafe.Pointer(&ctx[0]), mem.Addr())
		if ctx[1] != 0x1122334455667788 {
			t.Fatalf("ctx[1] = %#x", ctx[1])
		}
		if i%100 == 0 {
			runtime.GC()
			_ = make([]byte, 1<<16)
		}
	}
}
