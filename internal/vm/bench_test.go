package vm

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// interpContext loads src for the interpreter (JITOff) with the
// conformance helpers and returns a context.
func interpContext(b *testing.B, src string) *Context {
	p, err := LoadCode(asm(b, src), Options{Helpers: conformanceHelpers(b), JIT: JITOff})
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

// BenchmarkInterpLoop runs, in the interpreter, a compute loop (5 instructions per iteration:
// add, xor, shift, add, conditional back-edge) and reports ns per executed
// instruction.
func BenchmarkInterpLoop(b *testing.B) {
	const iters = 100_000
	c := interpContext(b, `
		mov %r0, 0
		mov %r1, 0
	L:
		add %r0, %r1
		xor %r0, 0x55
		rsh %r0, 1
		add %r1, 1
		jlt %r1, 100000, L
		exit`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Run(0, nil, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(5*iters+3), "ns/insn")
}

// BenchmarkHelperCall calls, in the interpreter, the no-op helper in a loop (call, add, back-edge
// per iteration) and reports ns per call including the loop.
func BenchmarkHelperCall(b *testing.B) {
	const calls = 10_000
	c := interpContext(b, `
		mov %r6, 0
	L:
		call 2
		add %r6, 1
		jlt %r6, 10000, L
		exit`)
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
func BenchmarkRunEmpty(b *testing.B) {
	p, err := LoadCode(asm(b, "mov %r0, 0\nexit"), Options{JIT: JITOff})
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
		cg.reset(nil, nil)
	}
}
