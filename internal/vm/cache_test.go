package vm

import (
	"sync"
	"testing"
)

// TestCache checks that every stored entry is found, before and after the
// lookups that publish it, also when entries share an address, that the
// first value stored under a key is the one kept, and that concurrent
// stores and loads agree.
func TestCache(t *testing.T) {
	var c Cache
	key := func(i int) CacheKey { return CacheKey{Helper: "h", Addr: uint64(i) * 8, Len: 8} }
	if _, ok := c.Load(key(0)); ok {
		t.Fatal("an empty cache found an entry")
	}
	const n = 100
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if _, ok := c.Load(key(i)); !ok {
					c.Store(key(i), i)
				}
			}
		}()
	}
	wg.Wait()
	c.Store(key(1), -1)
	shared := []CacheKey{{Helper: "g", Addr: 8, Len: 8}, {Helper: "h", Addr: 8, Len: 4}}
	for i, k := range shared {
		c.Store(k, n+i)
	}
	for round := 0; round < 3; round++ {
		for i := 0; i < n; i++ {
			v, ok := c.Load(key(i))
			if !ok || v.(int) != i {
				t.Fatalf("round %d: key %d gave %v, %v", round, i, v, ok)
			}
		}
		for i, k := range shared {
			if v, ok := c.Load(k); !ok || v.(int) != n+i {
				t.Fatalf("round %d: key %+v gave %v, %v", round, k, v, ok)
			}
		}
	}
	if _, ok := c.Load(CacheKey{Helper: "other", Addr: 0, Len: 8}); ok {
		t.Error("another helper's key found the entry")
	}
	if c.Len() != n+len(shared) {
		t.Errorf("Len %d, want %d", c.Len(), n+len(shared))
	}
	for range n + 1 {
		c.Load(shared[0])
	}
	if tb := c.read.Load(); tb == nil || tb.n != n+len(shared) {
		t.Error("repeated lookups did not publish every entry")
	}
}
