package amd64

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/bpf/corpus"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// testRun compiles insns and runs them from slot 0 in a fresh cage with
// mem at abi.DataAddr (r1 = its address, r2 = its length), the corpus
// helpers 0–5 and a fuel budget. It is the minimal Go side of the JIT
// contract; package vm has the real one.
func testRun(t testing.TB, insns []bpf.Instruction, mem []byte, fuel int64) (uint64, []byte, error) {
	r, err := newTestRunner(t, insns, len(mem))
	if err != nil {
		return 0, nil, err
	}
	defer r.close()
	return r.run(mem, fuel)
}

// testRunner is a compiled program and its cage, reusable across runs.
type testRunner struct {
	code   *Code
	cage   []byte
	layout abi.CageLayout
	st     abi.State
}

func newTestRunner(t testing.TB, insns []bpf.Instruction, memSize int) (*testRunner, error) {
	layout, err := abi.NewCageLayout(uint64(memSize), 0, 1)
	if err != nil {
		return nil, err
	}
	p, err := Compile(insns, Options{LoadMask: layout.LoadMask(), StoreMask: layout.StoreMask()})
	if err != nil {
		return nil, err
	}
	code, err := Map(p)
	if err != nil {
		return nil, err
	}
	cage, err := unix.Mmap(-1, 0, int(layout.MappedSize()), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	return &testRunner{code: code, cage: cage, layout: layout}, nil
}

func (r *testRunner) close() {
	r.code.Free()
	unix.Munmap(r.cage)
}

func (tr *testRunner) run(mem []byte, fuel int64) (uint64, []byte, error) {
	code, cage, layout, st := tr.code, tr.cage, tr.layout, &tr.st
	*st = abi.State{}
	copy(cage[abi.DataAddr:], mem)
	if len(mem) > 0 {
		st.Regs[1], st.Regs[2] = abi.DataAddr, uint64(len(mem))
	}
	st.Regs[10] = abi.StackTop
	st.CageBase = uintptr(unsafe.Pointer(&cage[0]))
	st.LoadMask, st.StoreMask = layout.LoadMask(), layout.StoreMask()
	slice := min(fuel, abi.YieldSlice)
	fuel -= slice
	st.Fuel = slice
	var err error
	if st.Resume, err = code.Addr(0); err != nil {
		return 0, nil, err
	}
	out := func() []byte { return append([]byte(nil), cage[abi.DataAddr:abi.DataAddr+uint64(len(mem))]...) }
	for {
		code.Enter(st)
		switch st.Exit.Kind() {
		case abi.ExitReturn:
			return st.Regs[0], out(), nil
		case abi.ExitHelper:
			r := &st.Regs
			switch st.Exit.Arg() {
			case 0:
				r[0] = (r[1]&0xff)<<32 | (r[2]&0xff)<<24 | (r[3]&0xff)<<16 | (r[4]&0xff)<<8 | r[5]&0xff
			case 1:
				for i := uint64(0); i < r[2]; i++ {
					cage[(r[1]+i)&layout.StoreMask()] ^= 42
				}
				r[0] = 0
			case 2:
				r[0] = 0
			case 3:
				r[0] = uint64(math.Sqrt(float64(r[1])))
			case 4:
				a, b := r[1], r[2]
				for cage[a&layout.LoadMask()] != 0 && cage[a&layout.LoadMask()] == cage[b&layout.LoadMask()] {
					a++
					b++
				}
				r[0] = uint64(int64(cage[a&layout.LoadMask()]) - int64(cage[b&layout.LoadMask()]))
			case 5:
				r[0] = r[1]
				if r[1] == 0 {
					return 0, out(), nil
				}
			default:
				return 0, out(), abi.TrapBadHelper
			}
		case abi.ExitFuel:
			if fuel <= 0 {
				return 0, out(), abi.TrapFuelExhausted
			}
			slice = min(fuel, abi.YieldSlice)
			fuel -= slice
			st.Fuel += slice
			if st.Fuel < 0 {
				return 0, out(), abi.TrapFuelExhausted
			}
		case abi.ExitTrap:
			return 0, out(), abi.Trap(st.Exit.Arg())
		default:
			return 0, out(), fmt.Errorf("bad exit %v", st.Exit)
		}
	}
}

func TestConformanceCorpora(t *testing.T) {
	root, err := corpus.Root(".")
	if err != nil {
		t.Skip(err)
	}
	passed, failed, skipped := 0, 0, 0
	for _, dir := range []string{"bpf_conformance/tests", "ubpf/tests"} {
		files, err := corpus.Files(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			tc, err := corpus.ParseFile(f)
			if err != nil || tc.Program == nil || !tc.HasResult || tc.ExpectError {
				skipped++
				continue
			}
			got, _, err := testRun(t, tc.Program, tc.Mem, 1<<20)
			if err != nil || got != tc.Result {
				failed++
				t.Errorf("%s: got %#x, %v; want %#x", f, got, err, tc.Result)
				continue
			}
			passed++
		}
	}
	t.Logf("jit conformance: %d passed, %d failed, %d skipped (no result or expected error: the validator's job)", passed, failed, skipped)
}

func TestInfiniteLoopRunsOutOfFuel(t *testing.T) {
	prog, err := bpf.Assemble("mov %r0, 0\nL:\nadd %r0, 1\nja L\nexit\n")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = testRun(t, prog, nil, 1_000_000)
	if !errors.Is(err, abi.TrapFuelExhausted) {
		t.Fatalf("err = %v, want fuel exhausted", err)
	}
}
