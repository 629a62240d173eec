package vm

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

const (
	secretByte = 0xa5 // fills host memory around the cage
	roByte     = 0x11 // fills the program's read-only data
)

// surroundedContext builds a context whose cage sits in the middle of a
// mapping filled with secretByte: one page before it, and after its tail pad
// one more page. It returns the context and the whole mapping.
func surroundedContext(t *testing.T, p *Program) (*Context, []byte) {
	t.Helper()
	const page = 4096
	l := p.layout
	mem, err := unix.Mmap(-1, 0, int(page+l.MappedSize()+page), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	for i := range mem {
		mem[i] = secretByte
	}
	clear(mem[page : page+l.MappedSize()])
	c := p.contextIn(cageIn(l, mem[page:], p.rodata))
	return c, mem
}

// wildAddresses are guest addresses at and around every boundary of the
// cage, plus random ones.
func wildAddresses(t *testing.T, l abi.CageLayout) []uint64 {
	seed := uint64(rand.Uint32())
	if s, err := strconv.ParseUint(os.Getenv("TEST_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("TEST_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	var addrs []uint64
	for _, edge := range []uint64{0, l.WritableSize, l.RODataAddr, l.Size, l.MappedSize(), 1 << 32, 1 << 63, 0} {
		for d := uint64(0); d < 16; d++ {
			addrs = append(addrs, edge+d, edge-d-1)
		}
	}
	for range 200 {
		addrs = append(addrs, rng.Uint64())
	}
	return addrs
}

// TestWildPointersStayInCage runs loads and stores of every size at wild
// addresses (with the extreme offsets) in a cage surrounded by secret host
// memory: no load may return a secret byte, no store may change host memory,
// the calldata or the program's read-only data.
func TestWildPointersStayInCage(t *testing.T) {
	var src bytes.Buffer
	src.WriteString("ldxdw %r1, [%r1]\nmov %r0, 0\n")
	for _, off := range []string{"-32768", "-8", "-1", "0", "1", "7", "32767"} {
		for _, size := range []string{"b", "h", "w", "dw"} {
			src.WriteString("ldx" + size + " %r3, [%r1" + sign(off) + "]\nor %r0, %r3\n")
			src.WriteString("st" + size + " [%r1" + sign(off) + "], -1\n")
			src.WriteString("stx" + size + " [%r1" + sign(off) + "], %r0\n")
			src.WriteString("ldx" + size + " %r3, [%r1" + sign(off) + "]\nxor %r4, %r3\n")
		}
		src.WriteString("lock add [%r1" + sign(off) + "], %r4\nlock fetch xor32 [%r1" + sign(off) + "], %r4\nor %r0, %r4\n")
	}
	src.WriteString("or %r0, %r4\nexit\n")
	rodata := bytes.Repeat([]byte{roByte}, 100)
	obj := &bpf.Object{
		Insns:    asm(t, src.String()),
		Data:     []bpf.DataSection{{Name: ".rodata", Size: uint64(len(rodata)), Align: 1, Contents: rodata}},
		Sections: []bpf.CodeSection{{Name: "code"}},
	}
	obj.Sections[0].Len = len(obj.Insns)
	for _, mode := range []JITMode{JITOff, JITAuto} {
		t.Run("jit="+mode.String(), func(t *testing.T) { checkWildPointers(t, obj, rodata, mode) })
	}
}

// checkWildPointers runs the wild-pointer program of
// TestWildPointersStayInCage on one engine.
func checkWildPointers(t *testing.T, obj *bpf.Object, rodata []byte, mode JITMode) {
	p, err := Load(obj, Options{JIT: mode})
	if err != nil {
		t.Fatal(err)
	}
	c, mem := surroundedContext(t, p)
	l := p.layout
	const page = 4096
	for _, addr := range wildAddresses(t, l) {
		var cd [8]byte
		for i := range cd {
			cd[i] = byte(addr >> (8 * i))
		}
		r0, err := c.Run(0, cd[:], 1000)
		if err != nil {
			t.Fatalf("addr %#x: %v", addr, err)
		}
		for i := range 8 {
			if byte(r0>>(8*i)) == secretByte {
				t.Fatalf("addr %#x: r0 %#x holds a secret byte", addr, r0)
			}
		}
		if i := firstNot(mem[:page], secretByte); i >= 0 {
			t.Fatalf("addr %#x: host memory before the cage changed at -%d", addr, page-i)
		}
		if i := firstNot(mem[page+l.MappedSize():], secretByte); i >= 0 {
			t.Fatalf("addr %#x: host memory after the cage changed at +%d", addr, i)
		}
		if got := mem[page+l.CalldataAddr : page+l.CalldataAddr+abi.CalldataMax]; !bytes.Equal(got[:8], cd[:]) || firstNot(got[8:], 0) >= 0 {
			t.Fatalf("addr %#x: calldata changed", addr)
		}
		ro := mem[page+l.RODataAddr : page+l.Size]
		if !bytes.Equal(ro[:len(rodata)], rodata) || firstNot(ro[len(rodata):], 0) >= 0 {
			t.Fatalf("addr %#x: read-only data changed", addr)
		}
		if firstNot(mem[page+l.Size:page+l.Size+abi.TailPad], 0) >= 0 {
			t.Fatalf("addr %#x: tail pad changed", addr)
		}
	}
}

// firstNot returns the index of the first byte of b that is not v, or -1.
func firstNot(b []byte, v byte) int {
	for i, x := range b {
		if x != v {
			return i
		}
	}
	return -1
}

func sign(off string) string {
	if off[0] == '-' {
		return off
	}
	return "+" + off
}

// TestHelperAccessorsBounds checks Read and Write at and past the edges.
func TestHelperAccessorsBounds(t *testing.T) {
	c := load(t, "exit", nil)
	l := c.Program().Layout()
	for _, tc := range []struct {
		addr, n   uint64
		read, wrt bool
	}{
		{0, 1, true, true},
		{l.WritableSize - 8, 8, true, true},
		{l.WritableSize - 8, 9, true, false},
		{l.WritableSize, 1, true, false},
		{l.Size - 1, 1, true, false},
		{l.Size - 1, 2, false, false},
		{l.Size, 0, true, false},
		{l.Size + 1, 0, false, false},
		{1, ^uint64(0), false, false},
		{^uint64(0), 2, false, false},
	} {
		_, rerr := c.Read(tc.addr, tc.n)
		_, werr := c.Write(tc.addr, tc.n)
		if (rerr == nil) != tc.read || (werr == nil) != tc.wrt {
			t.Errorf("[%#x, +%#x): read err %v (want ok %v), write err %v (want ok %v)", tc.addr, tc.n, rerr, tc.read, werr, tc.wrt)
		}
		if rerr != nil && !errors.Is(rerr, abi.TrapMemory) {
			t.Errorf("read error %v does not match TrapMemory", rerr)
		}
	}
}

// TestHostileLoops checks that loops of every shape end on fuel: a plain
// back-edge, ja32, a loop through helper calls, and a loop through local
// calls.
func TestHostileLoops(t *testing.T) {
	for name, src := range map[string]string{
		"ja":           "L:\nadd %r0, 1\nja L\nexit",
		"ja32":         "L:\nadd %r0, 1\nja32 L\nexit",
		"conditional":  "L:\nadd %r0, 1\njne %r1, 1, L\nexit",
		"helper calls": "L:\ncall 2\nja L\nexit",
		"local calls":  "L:\ncall local f\nja L\nexit\nf:\nexit",
	} {
		for _, mode := range []JITMode{JITOff, JITAuto} {
			c := loadMode(t, src, nil, mode)
			if _, err := c.Run(0, nil, 1_000_000); !errors.Is(err, abi.TrapFuelExhausted) || c.FuelLeft() != 0 {
				t.Errorf("%s, jit=%v: got %v, %d fuel left; want fuel exhausted", name, mode, err, c.FuelLeft())
			}
		}
	}
}
