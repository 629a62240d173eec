//go:build amd64

package vm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// FuzzDifferential runs every generated program that passes the validator
// on the interpreter and on the JIT and requires the same r0, trap, trap
// slot, fuel left and writable memory (stack, calldata and data).
func FuzzDifferential(f *testing.F) {
	addCorpusSeeds(f)
	h := conformanceHelpers(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		compareEngines(t, generate(data), h, data[:min(len(data), abi.CalldataMax)])
	})
}

// compareEngines loads insns for both engines (or for neither) and compares
// one run of each.
func compareEngines(t *testing.T, insns []bpf.Instruction, h *Helpers, calldata []byte) {
	t.Helper()
	pi, erri := LoadCode(insns, Options{Helpers: h, JIT: JITOff})
	pj, errj := LoadCode(insns, Options{Helpers: h, JIT: JITOn})
	if (erri == nil) != (errj == nil) {
		t.Fatalf("load differs: interpreter %v, JIT %v", erri, errj)
	}
	if erri != nil {
		return
	}
	defer pi.Close()
	defer pj.Close()
	ci, err := pi.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer ci.Close()
	cj, err := pj.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer cj.Close()
	const fuel = 20000
	ri, erri := ci.Run(0, calldata, fuel)
	rj, errj := cj.Run(0, calldata, fuel)
	var rei, rej *RunError
	errors.As(erri, &rei)
	errors.As(errj, &rej)
	switch {
	case (erri == nil) != (errj == nil):
		t.Fatalf("results differ: interpreter %#x, %v; JIT %#x, %v\n%s", ri, erri, rj, errj, bpf.Disassemble(insns))
	case erri == nil && ri != rj:
		t.Fatalf("r0 differs: interpreter %#x, JIT %#x\n%s", ri, rj, bpf.Disassemble(insns))
	case erri != nil && (rei == nil || rej == nil || rei.Trap != rej.Trap || rei.PC != rej.PC):
		t.Fatalf("traps differ: interpreter %v, JIT %v\n%s", erri, errj, bpf.Disassemble(insns))
	}
	if fi, fj := ci.FuelLeft(), cj.FuelLeft(); fi != fj {
		t.Fatalf("fuel left differs: interpreter %d, JIT %d (err %v)\n%s", fi, fj, erri, bpf.Disassemble(insns))
	}
	w := pi.Layout().ClearSize()
	if mi, mj := ci.cage.mem[:w], cj.cage.mem[:w]; !bytes.Equal(mi, mj) {
		at := 0
		for at < len(mi) && mi[at] == mj[at] {
			at++
		}
		t.Fatalf("writable memory differs first at %#x: interpreter %#x, JIT %#x\n%s", at, mi[at], mj[at], bpf.Disassemble(insns))
	}
}

// TestDifferentialCorpus compares the engines on the generator's seeds and
// a deterministic sweep of inputs, so the comparison runs in every test run.
func TestDifferentialCorpus(t *testing.T) {
	h := conformanceHelpers(t)
	data := make([]byte, 8*32)
	for i := range 500 {
		for j := range data {
			data[j] = byte(uint32(i*7919+j*104729+i*j) >> 3)
		}
		compareEngines(t, generate(data), h, data[:64])
	}
}
