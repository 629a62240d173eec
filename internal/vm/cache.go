package vm

import (
	"sync"
	"sync/atomic"
)

// CacheKey names an entry of a program's Cache: the helper that derived
// it and the guest bytes [Addr, Addr+Len) it came from.
type CacheKey struct {
	Helper string
	Addr   uint64
	Len    uint64
}

// Cache holds what helpers derive from a program's read-only data (a
// parsed configuration, a compiled regexp), keyed by its guest address,
// which is immutable for the program's life. It is safe for concurrent
// use. A hit reads a published map, keyed by the address alone, without
// a lock; entries stored since the last publication, and any sharing an
// address with another entry, are found under a lock, and enough such
// lookups publish a new map, so each entry is copied a constant number of
// times on average.
type Cache struct {
	read   atomic.Pointer[map[uint64]cacheEntry] // published; never written
	mu     sync.Mutex
	all    map[CacheKey]any // every entry; guarded by mu
	misses int              // lookups read could not answer since it was published
}

// cacheEntry is a published entry: its key and value.
type cacheEntry struct {
	key CacheKey
	v   any
}

// Load returns the value stored under k.
func (c *Cache) Load(k CacheKey) (any, bool) {
	if r := c.read.Load(); r != nil {
		if e, ok := (*r)[k.Addr]; ok && e.key == k {
			return e.v, true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.all[k]
	if !ok {
		return nil, false
	}
	c.misses++
	if r := c.read.Load(); r == nil || c.misses > len(*r) {
		m := make(map[uint64]cacheEntry, len(c.all))
		for k, v := range c.all {
			if e, ok := m[k.Addr]; !ok || k.Helper < e.key.Helper || k.Helper == e.key.Helper && k.Len < e.key.Len {
				m[k.Addr] = cacheEntry{k, v} // of keys sharing an address, the least, so that each publication is the same
			}
		}
		c.read.Store(&m)
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
