package vm

import (
	"sync"
	"sync/atomic"
)

// CacheKey names an entry of a program's Cache: the helper that derived
// it and the guest bytes [Addr, Addr+Len) it came from.
type CacheKey struct {
	Addr   uint64 // first, so that comparing keys compares it first
	Len    uint64
	Helper string
}

// Cache holds what helpers derive from a program's read-only data (a
// parsed configuration, a compiled regexp), keyed by its guest address,
// which is immutable for the program's life. It is safe for concurrent
// use. A hit probes a published open-addressed table, hashed by address,
// without a lock; entries stored since the last publication are found
// under a lock, and enough such lookups publish a new table, so each
// entry is copied a constant number of times on average.
type Cache struct {
	read   atomic.Pointer[cacheTable] // published; never written
	mu     sync.Mutex
	all    map[CacheKey]any // every entry; guarded by mu
	misses int              // lookups read could not answer since it was published
}

// cacheTable is a published snapshot of a Cache: a power-of-two number of
// slots, at least twice its entries, probed linearly from the address's
// hash.
type cacheTable struct {
	slots []cacheEntry
	shift uint // 64 - log2(len(slots))
	n     int  // entries
}

// cacheEntry is a slot of a cacheTable.
type cacheEntry struct {
	used bool
	key  CacheKey
	v    any
}

// slot is where the probe for addr starts (Fibonacci hashing).
func (t *cacheTable) slot(addr uint64) uint64 { return addr * 0x9e3779b97f4a7c15 >> t.shift }

// newCacheTable publishes the entries of all.
func newCacheTable(all map[CacheKey]any) *cacheTable {
	bits := uint(1)
	for 1<<bits < 2*len(all) {
		bits++
	}
	t := &cacheTable{slots: make([]cacheEntry, 1<<bits), shift: 64 - bits, n: len(all)}
	mask := uint64(len(t.slots) - 1)
	for k, v := range all {
		i := t.slot(k.Addr)
		for t.slots[i].used {
			i = (i + 1) & mask
		}
		t.slots[i] = cacheEntry{true, k, v}
	}
	return t
}

// Load returns the value stored under k.
func (c *Cache) Load(k CacheKey) (any, bool) {
	if t := c.read.Load(); t != nil {
		mask := uint64(len(t.slots) - 1)
		for i := t.slot(k.Addr); t.slots[i].used; i = (i + 1) & mask {
			if e := &t.slots[i]; e.key == k {
				return e.v, true
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.all[k]
	if !ok {
		return nil, false
	}
	c.misses++
	if t := c.read.Load(); t == nil || c.misses > t.n {
		c.read.Store(newCacheTable(c.all))
		c.misses = 0
	}
	return v, true
}

// Store sets the value under k unless one is already there (two runs
// that raced to derive it derived equal values).
func (c *Cache) Store(k CacheKey, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.all == nil {
		c.all = make(map[CacheKey]any)
	}
	if _, ok := c.all[k]; !ok {
		c.all[k] = v
	}
}

// Len returns the number of entries stored.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.all)
}
