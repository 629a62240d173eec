package vm

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// TestLoadRejectsBrokenObjects checks that relocation lists pointing outside
// the object are errors, not panics, whoever built the object.
func TestLoadRejectsBrokenObjects(t *testing.T) {
	base := func() *bpf.Object {
		insns := asm(t, "lddw %r0, 0\ncall 0\nexit")
		return &bpf.Object{
			Insns:    insns,
			Sections: []bpf.CodeSection{{Name: "code", Len: len(insns)}},
			Data:     []bpf.DataSection{{Name: ".data", Size: 8, Align: 8, Writable: true, Contents: make([]byte, 8)}},
			Helpers:  []string{"no_op"},
		}
	}
	h := conformanceHelpers(t)
	for name, c := range map[string]struct {
		edit func(o *bpf.Object)
		want string
	}{
		"helper slot":       {func(o *bpf.Object) { o.HelperCalls = []bpf.HelperCall{{Slot: 9, Name: "no_op"}} }, "helper call"},
		"helper index":      {func(o *bpf.Object) { o.HelperCalls = []bpf.HelperCall{{Slot: 2}}; o.Insns[2].Imm = 4 }, "helper call"},
		"unknown helper":    {func(o *bpf.Object) { o.Helpers[0] = "nope"; o.HelperCalls = []bpf.HelperCall{{Slot: 2}} }, "unknown helper"},
		"data ref not lddw": {func(o *bpf.Object) { o.DataRefs = []bpf.DataRef{{Slot: 2}} }, "not an lddw"},
		"data ref section":  {func(o *bpf.Object) { o.DataRefs = []bpf.DataRef{{Slot: 0, Section: 3}} }, "out of range"},
		"data ref offset":   {func(o *bpf.Object) { o.DataRefs = []bpf.DataRef{{Slot: 0, Offset: 9}} }, "out of range"},
		"pointer offset":    {func(o *bpf.Object) { o.Pointers = []bpf.Pointer{{Offset: 4, Size: 8}} }, "out of range"},
		"pointer size":      {func(o *bpf.Object) { o.Pointers = []bpf.Pointer{{Size: 2}} }, "out of range"},
		"pointer target":    {func(o *bpf.Object) { o.Pointers = []bpf.Pointer{{Size: 8, Target: 1}} }, "out of range"},
		"bad alignment":     {func(o *bpf.Object) { o.Data[0].Align = 3 }, "alignment"},
		"contents size":     {func(o *bpf.Object) { o.Data[0].Size = 16 }, "contents"},
		"section past end":  {func(o *bpf.Object) { o.Sections[0].Len = 10 }, "outside"},
		"no sections":       {func(o *bpf.Object) { o.Sections = nil }, "no code sections"},
		"entry inside lddw": {func(o *bpf.Object) { o.Sections = append(o.Sections, bpf.CodeSection{Name: "x", Start: 1, Len: 1}) }, "not an instruction"},
	} {
		o := base()
		c.edit(o)
		_, err := Load(o, Options{Helpers: h})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
	if _, err := Load(base(), Options{Helpers: h}); err != nil {
		t.Fatalf("unbroken object: %v", err)
	}
}

// TestPoolConcurrent runs many goroutines through one program's pool: each
// run sees its own calldata, and the pool keeps at most PoolSize contexts.
func TestPoolConcurrent(t *testing.T) {
	p, err := LoadCode(asm(t, "ldxdw %r0, [%r1]\nstxdw [%r10-8], %r0\nldxdw %r0, [%r10-8]\nexit"), Options{PoolSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				c, err := p.Get()
				if err != nil {
					errs <- err
					return
				}
				want := uint64(g<<32 | i)
				got, err := c.Run(0, binary.LittleEndian.AppendUint64(nil, want), 100)
				p.Put(c)
				if err != nil || got != want {
					errs <- fmt.Errorf("goroutine %d run %d: got %#x, %v", g, i, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(p.pool); n > 2 {
		t.Errorf("pool holds %d contexts, limit 2", n)
	}
	c, err := p.Get()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Put(c) // after Close, Put unmaps instead of pooling
	if _, err := c.Run(0, nil, 10); err == nil || len(p.pool) != 0 {
		t.Errorf("context put after Close still runs (err %v) or was pooled (%d)", err, len(p.pool))
	}
}
