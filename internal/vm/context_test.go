package vm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// load loads asm source with the conformance helpers (or h) for the
// default engine and returns a context.
func load(t testing.TB, src string, h *Helpers) *Context {
	t.Helper()
	return loadMode(t, src, h, JITAuto)
}

// loadMode is load for a given engine.
func loadMode(t testing.TB, src string, h *Helpers, mode JITMode) *Context {
	t.Helper()
	if h == nil {
		h = conformanceHelpers(t)
	}
	p, err := LoadCode(asm(t, src), Options{Helpers: h, JIT: mode})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); p.Close() })
	return c
}

func TestRunABI(t *testing.T) {
	c := load(t, "mov %r0, %r10\nexit", nil)
	if r0, err := c.Run(0, nil, 100); err != nil || r0 != abi.StackTop {
		t.Errorf("r10: got %#x, %v; want %#x", r0, err, abi.StackTop)
	}
	c = load(t, "mov %r0, %r1\nlsh %r0, 32\nor %r0, %r2\nexit", nil)
	if r0, err := c.Run(0, nil, 100); err != nil || r0 != 0 {
		t.Errorf("no calldata: got r1<<32|r2 = %#x, %v; want 0", r0, err)
	}
	cd := c.Program().Layout().CalldataAddr
	if r0, err := c.Run(0, []byte{1, 2, 3}, 100); err != nil || r0 != cd<<32|3 {
		t.Errorf("calldata: got r1<<32|r2 = %#x, %v; want %#x", r0, err, cd<<32|3)
	}
	// Calldata is read-only: a store through r1 is masked into the stack.
	c = load(t, "stb [%r1], 9\nldxb %r0, [%r1]\nexit", nil)
	if r0, err := c.Run(0, []byte{1}, 100); err != nil || r0 != 1 {
		t.Errorf("store to calldata: read back %d, %v; want the unchanged 1", r0, err)
	}
	if _, err := c.Write(cd, 1); err == nil {
		t.Error("helper Write to calldata allowed")
	}
	c = load(t, "ldxw %r0, [%r1]\nexit", nil)
	if r0, err := c.Run(0, []byte{1, 2, 3, 4}, 100); err != nil || r0 != 0x04030201 {
		t.Errorf("read calldata: got %#x, %v", r0, err)
	}
	if _, err := c.Run(0, make([]byte, abi.CalldataMax+1), 100); err == nil {
		t.Error("calldata over the limit accepted")
	}
	if _, err := c.Run(1, nil, 100); err == nil {
		t.Error("entry out of range accepted")
	}
}

func TestFuelExhausted(t *testing.T) {
	c := load(t, "mov %r0, 0\nL:\nadd %r0, 1\nja L\nexit", nil)
	_, err := c.Run(0, nil, 1_000_000)
	var re *RunError
	if !errors.Is(err, abi.TrapFuelExhausted) || !errors.As(err, &re) {
		t.Fatalf("infinite loop: got %v, want fuel exhausted", err)
	}
	if re.PC != 2 && re.PC != 1 {
		t.Errorf("trap at pc %d, want inside the loop", re.PC)
	}
	if c.FuelLeft() != 0 {
		t.Errorf("fuel left after exhaustion: %d", c.FuelLeft())
	}
}

// TestFuelExact checks that a run traps exactly when the charges exceed the
// budget, across slice boundaries: n iterations of a loop whose back-edge
// costs 2 (slots 2–3) charge 2(n-1).
func TestFuelExact(t *testing.T) {
	c := load(t, "ldxdw %r6, [%r1]\nmov %r0, 0\nL:\nadd %r0, 1\njlt %r0, %r6, L\nexit", nil)
	run := func(n, fuel uint64) (uint64, error) {
		return c.Run(0, binary.LittleEndian.AppendUint64(nil, n), fuel)
	}
	for _, n := range []uint64{1, 2, 1000, 3 * abi.YieldSlice} {
		cost := 2 * (n - 1)
		if r0, err := run(n, cost); err != nil || r0 != n {
			t.Errorf("n=%d budget %d: got %d, %v", n, cost, r0, err)
		} else if c.FuelLeft() != 0 {
			t.Errorf("n=%d: %d fuel left, want 0", n, c.FuelLeft())
		}
		if r0, err := run(n, cost+5); err != nil || r0 != n || c.FuelLeft() != 5 {
			t.Errorf("n=%d budget %d: %d, %v, fuel left %d, want 5", n, cost+5, r0, err, c.FuelLeft())
		}
		if cost == 0 {
			continue
		}
		if _, err := run(n, cost-1); !errors.Is(err, abi.TrapFuelExhausted) {
			t.Errorf("n=%d budget %d: got %v, want fuel exhausted", n, cost-1, err)
		}
	}
}

func TestCallsChargeFuel(t *testing.T) {
	c := load(t, "call 2\ncall local f\nexit\nf:\nexit", nil)
	if _, err := c.Run(0, nil, 2*abi.CallCost); err != nil || c.FuelLeft() != 0 {
		t.Errorf("two calls with exactly their fuel: %v, %d left", err, c.FuelLeft())
	}
	if _, err := c.Run(0, nil, 2*abi.CallCost-1); !errors.Is(err, abi.TrapFuelExhausted) {
		t.Errorf("two calls with too little fuel: got %v", err)
	}
}

func TestInterrupt(t *testing.T) {
	c := load(t, "L:\nadd %r0, 1\nja L\nexit", nil)
	done := make(chan error)
	go func() {
		_, err := c.Run(0, nil, 1<<62)
		done <- err
	}()
	c.Interrupt()
	if err := <-done; !errors.Is(err, abi.TrapInterrupted) {
		t.Fatalf("got %v, want interrupted", err)
	}
	c.Program().Put(c)
	c2, err := c.Program().Get()
	if err != nil || c2 != c {
		t.Fatalf("pool did not return the context: %v", err)
	}
	c2.st.Regs = [11]uint64{}
	if _, err := c2.Run(0, nil, 1000); !errors.Is(err, abi.TrapFuelExhausted) {
		t.Fatalf("after Put the interrupt must be cleared: got %v", err)
	}
}

func TestCallDepth(t *testing.T) {
	c := load(t, "f:\nadd %r0, 1\ncall local f\nexit", nil)
	_, err := c.Run(0, nil, 1<<20)
	if !errors.Is(err, abi.TrapCallDepth) {
		t.Fatalf("unbounded recursion: got %v, want call depth trap", err)
	}
	// Recursion that stops at exactly MaxCallDepth frames is fine.
	c = load(t, `
		mov %r1, 7
		call local f
		exit
	f:
		mov %r0, %r10
		sub %r1, 1
		jeq %r1, 0, +1
		call local f
		exit`, nil)
	r0, err := c.Run(0, nil, 1<<20)
	if err != nil || r0 != abi.StackTop-7*abi.StackFrameSize {
		t.Fatalf("8 frames: got r0 %#x, %v; want the deepest r10 %#x", r0, err, abi.StackTop-7*abi.StackFrameSize)
	}
}

func TestLocalCallSavesRegisters(t *testing.T) {
	c := load(t, `
		mov %r6, 6
		mov %r7, 7
		mov %r8, 8
		mov %r9, 9
		stdw [%r10-8], 100
		call local f
		ldxdw %r1, [%r10-8]
		add %r0, %r1
		add %r0, %r6
		add %r0, %r7
		add %r0, %r8
		add %r0, %r9
		exit
	f:
		mov %r6, 0
		mov %r7, 0
		mov %r8, 0
		mov %r9, 0
		stdw [%r10-8], 1000
		mov %r0, 1
		exit`, nil)
	if r0, err := c.Run(0, nil, 1000); err != nil || r0 != 1+100+6+7+8+9 {
		t.Fatalf("got %d, %v; want %d", r0, err, 1+100+6+7+8+9)
	}
}

func TestCallx(t *testing.T) {
	c := load(t, "mov %r1, 7\nmov %r2, 3\ncall %r2\nexit", nil)
	if r0, err := c.Run(0, nil, 100); err != nil || r0 != 2 {
		t.Errorf("callx sqrti(7): got %d, %v", r0, err)
	}
	for _, id := range []string{"63", "-1", "0x100000000"} {
		c = load(t, "lddw %r2, "+id+"\ncall %r2\nexit", nil)
		if _, err := c.Run(0, nil, 100); !errors.Is(err, abi.TrapBadHelper) {
			t.Errorf("callx %s: got %v, want bad helper trap", id, err)
		}
	}
}

func TestHelperErrors(t *testing.T) {
	h := NewHelpers()
	cause := errors.New("boom")
	if _, err := h.Register("fail", func(*Context, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, cause }); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Register("frob", memfrob); err != nil {
		t.Fatal(err)
	}
	c := load(t, "call 0\nexit", h)
	_, err := c.Run(0, nil, 100)
	var re *RunError
	if !errors.Is(err, abi.TrapHelper) || !errors.Is(err, cause) || !errors.As(err, &re) || re.Helper != "fail" {
		t.Fatalf("got %v, want a helper trap naming fail and wrapping its error", err)
	}
	// memfrob on read-only memory or outside the cage is a memory trap.
	ro := c.Program().Layout().RODataAddr
	for _, addr := range []uint64{ro, c.Program().Layout().WritableSize - 4, 1 << 40} {
		c = load(t, fmt.Sprintf("lddw %%r1, %#x\nmov %%r2, 8\ncall 1\nexit", addr), h)
		if _, err := c.Run(0, nil, 100); !errors.Is(err, abi.TrapMemory) {
			t.Errorf("memfrob at %#x: got %v, want memory trap", addr, err)
		}
	}
}

func TestHelperRegistry(t *testing.T) {
	h := NewHelpers()
	nop := func(*Context, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, nil }
	if id, err := h.Register("a", nop); err != nil || id != 0 {
		t.Fatalf("first id %d, %v", id, err)
	}
	if err := h.RegisterID(5, "b", nop); err != nil {
		t.Fatal(err)
	}
	if id, err := h.Register("c", nop); err != nil || id != 6 {
		t.Fatalf("next id %d, %v; want 6", id, err)
	}
	for _, bad := range []error{
		h.RegisterID(0, "d", nop), // id taken
		h.RegisterID(1, "a", nop), // name taken
		h.RegisterID(2, "", nop),
		h.RegisterID(3, "e", nil),
		h.RegisterID(MaxHelperID, "f", nop),
	} {
		if bad == nil {
			t.Error("bad registration accepted")
		}
	}
	if id, ok := h.ID("b"); !ok || id != 5 {
		t.Errorf("ID(b) = %d, %v", id, ok)
	}
	if _, ok := h.Lookup(1); ok {
		t.Error("Lookup of a gap succeeded")
	}
	if hp, ok := h.Lookup(6); !ok || hp.Name != "c" {
		t.Errorf("Lookup(6) = %v, %v", hp, ok)
	}
}

// TestNoLeakBetweenRuns checks that what one run wrote (stack, data) or was
// given (calldata) is gone in the next.
func TestNoLeakBetweenRuns(t *testing.T) {
	l, err := abi.NewCageLayout(8, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(`
		jeq %%r2, 0, +6
		stdw [%%r10-8], 0x5ec
		stdw [%%r10-4096], 0x5ec
		lddw %%r3, 0
		stdw [%%r3], 0x5ec
		exit
		ldxdw %%r0, [%%r10-8]
		ldxdw %%r4, [%%r10-4096]
		or %%r0, %%r4
		lddw %%r3, 0
		ldxdw %%r4, [%%r3]
		or %%r0, %%r4
		lddw %%r3, %#x
		ldxdw %%r4, [%%r3]
		or %%r0, %%r4
		exit`, l.CalldataAddr)
	obj := &bpf.Object{
		Insns:    asm(t, src),
		Data:     []bpf.DataSection{{Name: ".bss", Size: 8, Align: 8, Writable: true}},
		DataRefs: []bpf.DataRef{{Slot: 3}, {Slot: 10}},
	}
	obj.Sections = []bpf.CodeSection{{Name: "code", Len: len(obj.Insns)}}
	for _, mode := range []JITMode{JITOff, JITAuto} {
		p, err := Load(obj, Options{JIT: mode})
		if err != nil {
			t.Fatal(err)
		}
		if p.Layout() != l {
			t.Fatalf("layout %+v, want %+v", p.Layout(), l)
		}
		c, err := p.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(0, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 100); err != nil {
			t.Fatal(err)
		}
		if r0, err := c.Run(0, nil, 100); err != nil || r0 != 0 {
			t.Fatalf("jit=%v: second run read %#x, %v; want 0", mode, r0, err)
		}
		c.Close()
		p.Close()
	}
}

func TestDataSections(t *testing.T) {
	prog := asm(t, `
		lddw %r1, 0
		ldxdw %r0, [%r1]
		add %r0, 1
		stxdw [%r1], %r0
		lddw %r2, 0
		ldxw %r3, [%r2]
		add %r0, %r3
		lddw %r4, 0
		stdw [%r4], 7
		ldxdw %r5, [%r4]
		add %r0, %r5
		lddw %r4, 0
		stdw [%r4], 99
		ldxdw %r5, [%r4]
		add %r0, %r5
		exit`)
	obj := &bpf.Object{
		Insns:    prog,
		Sections: []bpf.CodeSection{{Name: "zeroserve.request", Kind: bpf.EntryRequest, Start: 0, Len: len(prog)}},
		Data: []bpf.DataSection{
			{Name: ".data", Size: 8, Align: 8, Writable: true, Contents: []byte{40, 0, 0, 0, 0, 0, 0, 0}},
			{Name: ".rodata", Size: 8, Align: 4, Contents: []byte{0, 0, 0, 0, 100, 0, 0, 0}},
			{Name: ".bss", Size: 16, Align: 8, Writable: true},
		},
		DataRefs: []bpf.DataRef{
			{Slot: 0, Section: 0},
			{Slot: 5, Section: 1, Offset: 4},
			{Slot: 9, Section: 2, Offset: 8},
			{Slot: 14, Section: 1},
		},
	}
	p, err := Load(obj, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if i, ok := p.Entry("zeroserve.request"); !ok || i != 0 || p.Entries()[0].Kind != bpf.EntryRequest {
		t.Fatalf("entry lookup: %d %v", i, ok)
	}
	c, err := p.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Put(c)
	// .data starts at 40 every run (41 after the increment), .rodata holds
	// 100 at offset 4, .bss+8 reads back the 7 stored, and the store of 99
	// to .rodata is masked into writable memory, so rodata still reads
	// 100<<32 as a doubleword.
	const want = 41 + 100 + 7 + 100<<32
	for run := range 2 {
		if r0, err := c.Run(0, nil, 100); err != nil || r0 != want {
			t.Fatalf("run %d: got %#x, %v; want %#x", run, r0, err, uint64(want))
		}
	}
	if b, err := c.Read(p.Layout().RODataAddr, 8); err != nil || b[4] != 100 {
		t.Fatalf("rodata changed: %v %v", b, err)
	}
	if _, err := c.Write(p.Layout().RODataAddr, 1); !errors.Is(err, abi.TrapMemory) {
		t.Fatalf("helper write to rodata: got %v", err)
	}
}

// TestHelperCharge checks that fuel a helper charges counts against the
// run's budget exactly, on every engine.
func TestHelperCharge(t *testing.T) {
	h := NewHelpers()
	if _, err := h.Register("work", func(c *Context, r1, _, _, _, _ uint64) (uint64, error) {
		return r1, c.Charge(r1)
	}); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []JITMode{JITOff, JITAuto} {
		p, err := LoadCode(asm(t, "mov %r1, 100000\ncall 0\nmov %r1, 7\ncall 0\nexit"), Options{Helpers: h, JIT: mode})
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.NewContext()
		if err != nil {
			t.Fatal(err)
		}
		const need = 2*abi.CallCost + 100000 + 7
		if r0, err := c.Run(0, nil, need); err != nil || r0 != 7 || c.FuelLeft() != 0 {
			t.Errorf("jit=%v: budget %d: got %d, %v, %d left", mode, need, r0, err, c.FuelLeft())
		}
		if r0, err := c.Run(0, nil, need+3); err != nil || r0 != 7 || c.FuelLeft() != 3 {
			t.Errorf("jit=%v: budget %d: got %d, %v, %d left; want 3 left", mode, need+3, r0, err, c.FuelLeft())
		}
		_, err = c.Run(0, nil, need-1)
		var re *RunError
		if !errors.Is(err, abi.TrapFuelExhausted) || !errors.As(err, &re) || re.Helper != "work" {
			t.Errorf("jit=%v: budget %d: got %v, want fuel exhausted in helper work", mode, need-1, err)
		}
		c.Close()
		p.Close()
	}
}
