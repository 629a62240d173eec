package vm

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// cage is the guest memory of one execution context: one anonymous mapping
// of layout.MappedSize() bytes, laid out as abi.CageLayout describes. The
// mapping is outside the Go heap, so its address is stable for JIT code.
type cage struct {
	layout abi.CageLayout
	mem    []byte         // the whole mapping: cage, tail pad, state page
	base   unsafe.Pointer // &mem[0]
	state  *abi.State     // at layout.StateAddr(), outside the Go heap
	owned  bool           // mem is our mapping and Close unmaps it
	// dirty says the writable region may differ from its initial state:
	// the last run had store instructions or a helper asked to write
	// guest memory (write). A clean cage skips the clear on reset.
	dirty bool
	cdLen int // length of the calldata the last run was given
}

// newCage maps a cage and fills in its read-only data.
func newCage(l abi.CageLayout, rodata []byte) (*cage, error) {
	mem, err := unix.Mmap(-1, 0, int(l.MappedSize()), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("cage: mmap %d bytes: %w", l.MappedSize(), err)
	}
	c := cageIn(l, mem, rodata)
	c.owned = true
	return c, nil
}

// cageIn builds a cage inside mem, which must hold at least
// l.MappedSize() zero bytes (a fresh anonymous mapping is zero). Tests use
// it to surround a cage with known memory.
func cageIn(l abi.CageLayout, mem []byte, rodata []byte) *cage {
	mem = mem[:l.MappedSize()]
	copy(mem[l.RODataAddr:], rodata)
	return &cage{layout: l, mem: mem, base: unsafe.Pointer(unsafe.SliceData(mem)),
		state: (*abi.State)(unsafe.Pointer(&mem[l.StateAddr()])), dirty: true}
}

// reset clears the writable region and the store pad, copies in the
// initial writable data and replaces the calldata: nothing a previous run
// wrote or was given survives. A program without store instructions
// (stores false) can change the writable region only through helpers
// (write), so after a run that asked for no write the region is as it
// was and the clear (32 KiB or more) is skipped: compiled Caddy programs
// never store.
func (c *cage) reset(data, calldata []byte, stores bool) {
	if c.dirty {
		clear(c.mem[:c.layout.ClearSize()])
		copy(c.mem[abi.DataAddr:], data)
	}
	c.dirty = stores
	cd := c.mem[c.layout.CalldataAddr : c.layout.CalldataAddr+abi.CalldataMax]
	n := copy(cd, calldata)
	if n < c.cdLen {
		clear(cd[n:c.cdLen])
	}
	c.cdLen = n
}

// read returns the guest bytes [addr, addr+n) if they lie inside the cage.
func (c *cage) read(addr, n uint64) ([]byte, error) {
	if addr > c.layout.Size || n > c.layout.Size-addr {
		return nil, &MemoryError{Addr: addr, Len: n}
	}
	return c.mem[addr : addr+n : addr+n], nil
}

// write returns the guest bytes [addr, addr+n) if they lie inside the
// writable region.
func (c *cage) write(addr, n uint64) ([]byte, error) {
	if addr > c.layout.WritableSize || n > c.layout.WritableSize-addr {
		return nil, &MemoryError{Addr: addr, Len: n, Write: true}
	}
	c.dirty = true
	return c.mem[addr : addr+n : addr+n], nil
}

// close unmaps the cage.
func (c *cage) close() error {
	if !c.owned || c.mem == nil {
		return nil
	}
	err := unix.Munmap(c.mem[:cap(c.mem)])
	c.mem, c.base, c.state = nil, nil, nil
	return err
}
