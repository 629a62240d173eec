package abi

import (
	"testing"
	"unsafe"
)

func TestStateOffsets(t *testing.T) {
	var s State
	var f CallFrame
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"Regs", unsafe.Offsetof(s.Regs), OffsetRegs},
		{"CageBase", unsafe.Offsetof(s.CageBase), OffsetCageBase},
		{"LoadMask", unsafe.Offsetof(s.LoadMask), OffsetLoadMask},
		{"StoreMask", unsafe.Offsetof(s.StoreMask), OffsetStoreMask},
		{"Fuel", unsafe.Offsetof(s.Fuel), OffsetFuel},
		{"Exit", unsafe.Offsetof(s.Exit), OffsetExit},
		{"Resume", unsafe.Offsetof(s.Resume), OffsetResume},
		{"Depth", unsafe.Offsetof(s.Depth), OffsetDepth},
		{"HostSP", unsafe.Offsetof(s.HostSP), OffsetHostSP},
		{"Frames", unsafe.Offsetof(s.Frames), OffsetFrames},
		{"CallFrame size", unsafe.Sizeof(f), CallFrameSize},
		{"CallFrame.Return", unsafe.Offsetof(f.Return), OffsetFrameReturn},
		{"CallFrame.Saved", unsafe.Offsetof(f.Saved), OffsetFrameSaved},
		{"State size", unsafe.Sizeof(s), StateSize},
	} {
		if c.got != c.want {
			t.Errorf("%s: offset %d, constant %d", c.name, c.got, c.want)
		}
	}
}

func TestCageLayout(t *testing.T) {
	const ro = StorePad + CalldataMax
	for _, c := range []struct {
		data, rodata   uint64
		writable, size uint64
	}{
		{0, 0, 32 << 10, 64 << 10},
		{1, 0, 64 << 10, 128 << 10},
		{32 << 10, 1, 64 << 10, 128 << 10},
		{0, 32 << 10, 32 << 10, 128 << 10},
	} {
		l, err := NewCageLayout(c.data, c.rodata, 1)
		if err != nil {
			t.Fatal(err)
		}
		if l.WritableSize != c.writable || l.Size != c.size || l.CalldataAddr != c.writable+StorePad || l.RODataAddr != c.writable+ro {
			t.Errorf("data %d rodata %d: got %+v, want writable %d size %d", c.data, c.rodata, l, c.writable, c.size)
		}
		if DataAddr+l.DataSize > l.WritableSize || l.RODataAddr+l.RODataSize > l.Size {
			t.Errorf("data %d rodata %d: regions overflow %+v", c.data, c.rodata, l)
		}
		if l.StoreMask()+8 > l.CalldataAddr {
			t.Errorf("a straddling store at StoreMask reaches calldata: %+v", l)
		}
	}
	if l, _ := NewCageLayout(0, 8, 1024); l.RODataAddr != 32<<10+1024 {
		t.Errorf("rodata align 256: at %#x", l.RODataAddr)
	}
	if _, err := NewCageLayout(MaxCageSize, 1, 1); err == nil {
		t.Error("oversized cage accepted")
	}
}

func TestExitCode(t *testing.T) {
	e := MakeExit(ExitHelper, 7)
	if e.Kind() != ExitHelper || e.Arg() != 7 || e.String() != "helper(7)" {
		t.Errorf("got kind %v arg %d %q", e.Kind(), e.Arg(), e)
	}
	if s := MakeExit(ExitTrap, uint32(TrapFuelExhausted)).String(); s != "trap(fuel exhausted)" {
		t.Errorf("got %q", s)
	}
}

func TestBackEdgeCost(t *testing.T) {
	if c := BackEdgeCost(5, 6); c != 0 {
		t.Errorf("forward jump cost %d", c)
	}
	if c := BackEdgeCost(5, 2); c != 4 {
		t.Errorf("back-edge 5->2 cost %d, want 4", c)
	}
	if c := BackEdgeCost(5, 5); c != 1 {
		t.Errorf("self jump cost %d, want 1", c)
	}
}

func TestStateFitsItsPage(t *testing.T) {
	if StateSize > StatePage {
		t.Fatalf("State is %d bytes, over the %d-byte state page", StateSize, StatePage)
	}
	l, _ := NewCageLayout(0, 0, 1)
	if l.StateAddr() < l.Size+8 || l.StateAddr()%8 != 0 {
		t.Fatalf("state at %#x is within reach of a straddling load at LoadMask %#x", l.StateAddr(), l.LoadMask())
	}
}
