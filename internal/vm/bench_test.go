package vm

import (
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// benchContext loads src for an engine with the conformance helpers and
// returns a context.
func benchContext(b *testing.B, src string, mode JITMode) *Context {
	p, err := LoadCode(asm(b, src), Options{Helpers: conformanceHelpers(b), JIT: mode})
	if err != nil {
		b.Fatal(err)
	}
	c, err := p.NewContext()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(); p.Close() })
	return c
}

// eachEngine runs a benchmark on the interpreter and, where there is one,
// the JIT.
func eachEngine(b *testing.B, f func(b *testing.B, mode JITMode)) {
	for _, mode := range engines() {
		b.Run("jit="+mode.String(), func(b *testing.B) { f(b, mode) })
	}
}

// BenchmarkLoop runs a compute loop (5 instructions per iteration: add,
// xor, shift, add, conditional back-edge) and reports ns per executed
// instruction.
func BenchmarkLoop(b *testing.B) { eachEngine(b, benchLoop) }

func benchLoop(b *testing.B, mode JITMode) {
	const iters = 100_000
	c := benchContext(b, `
		mov %r0, 0
		mov %r1, 0
	L:
		add %r0, %r1
		xor %r0, 0x55
		rsh %r0, 1
		add %r1, 1
		jlt %r1, 100000, L
		exit`, mode)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Run(0, nil, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(5*iters+3), "ns/insn")
}

// BenchmarkHelperCall calls the no-op helper in a loop (call, add,
// back-edge per iteration) and reports ns per call including the loop.
func BenchmarkHelperCall(b *testing.B) { eachEngine(b, benchHelperCall) }

func benchHelperCall(b *testing.B, mode JITMode) {
	const calls = 10_000
	c := benchContext(b, `
		mov %r6, 0
	L:
		call 2
		add %r6, 1
		jlt %r6, 10000, L
		exit`, mode)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Run(0, nil, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/calls, "ns/call")
}

// BenchmarkRunEmpty takes a context from the pool, runs an entrypoint that
// returns at once with 8 bytes of calldata, and puts the context back: the
// fixed cost of one script run, dominated by clearing the writable region.
func BenchmarkRunEmpty(b *testing.B) { eachEngine(b, benchRunEmpty) }

func benchRunEmpty(b *testing.B, mode JITMode) {
	p, err := LoadCode(asm(b, "mov %r0, 0\nexit"), Options{JIT: mode})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	calldata := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	b.ReportAllocs()
	for b.Loop() {
		c, err := p.Get()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Run(0, calldata, 1000); err != nil {
			b.Fatal(err)
		}
		p.Put(c)
	}
}

// BenchmarkCageReset measures clearing the writable region and store pad
// (abi.CageLayout.ClearSize bytes) between runs, the price of no data
// leaking from one request to the next.
func BenchmarkCageReset(b *testing.B) {
	l, err := abi.NewCageLayout(0, 0, 1)
	if err != nil {
		b.Fatal(err)
	}
	cg, err := newCage(l, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cg.close()
	b.SetBytes(int64(l.ClearSize()))
	for b.Loop() {
		cg.reset(nil, nil, true)
	}
}

// BenchmarkLoad10k validates, pre-decodes and (with the JIT) compiles and
// maps a 10,000-instruction program.
func BenchmarkLoad10k(b *testing.B) { eachEngine(b, benchLoad10k) }

func benchLoad10k(b *testing.B, mode JITMode) {
	var src strings.Builder
	for range 3333 {
		src.WriteString("add %r0, 3\nldxdw %r1, [%r10-8]\njeq %r1, 7, +0\n")
	}
	src.WriteString("exit\n")
	insns := asm(b, "stdw [%r10-8], 0\n"+src.String())
	for b.Loop() {
		p, err := LoadCode(insns, Options{JIT: mode})
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}
