//go:build linux

// Package execmem maps generated machine code into executable memory, W^X.
package execmem

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Mem is a block of machine code in memory mapped read+execute. It is
// written while mapped read+write (Alloc, Writable) and only then made
// executable (Seal): no page is ever writable and executable at the same
// time.
type Mem struct {
	mu       sync.Mutex
	mem      []byte  // the mapping; nil once freed
	addr     uintptr // address of mem[0], kept for diagnostics after Free
	size     int     // bytes of code
	writable bool    // mapped read+write, not yet sealed
}

// Map maps code into fresh executable memory.
func Map(code []byte) (*Mem, error) {
	m, err := Alloc(len(code))
	if err != nil {
		return nil, err
	}
	copy(m.Writable(), code)
	if err := m.Seal(); err != nil {
		_ = m.Free()
		return nil, err
	}
	return m, nil
}

// Alloc maps n bytes of fresh memory read+write, for a code generator to
// write n bytes of code into (Writable) before Seal makes it executable.
func Alloc(n int) (*Mem, error) {
	if n <= 0 {
		return nil, fmt.Errorf("jit: empty code")
	}
	page := unix.Getpagesize()
	size := (n + page - 1) / page * page
	// MAP_POPULATE: the code is written to every page, and faulting them
	// in with the mapping is cheaper than one fault per page.
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("jit: mmap %d bytes: %w", size, err)
	}
	return &Mem{mem: mem, addr: uintptr(unsafe.Pointer(&mem[0])), size: n, writable: true}, nil
}

// Writable returns the n bytes to write the code into, nil once sealed
// or freed.
func (m *Mem) Writable() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.writable || m.mem == nil {
		return nil
	}
	return m.mem[:m.size]
}

// Seal makes the memory read+execute; it is never writable again.
func (m *Mem) Seal() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mem == nil {
		return fmt.Errorf("jit: seal of freed code")
	}
	if err := unix.Mprotect(m.mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		return fmt.Errorf("jit: mprotect: %w", err)
	}
	m.writable = false
	return nil
}

// Addr returns the address of the first byte of code. The caller must keep
// the Mem alive and not freed while the code may run.
func (m *Mem) Addr() uintptr { return m.addr }

// Size returns the number of bytes of code.
func (m *Mem) Size() int { return m.size }

// Free unmaps the code. It is safe to call more than once.
func (m *Mem) Free() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mem == nil {
		return nil
	}
	err := unix.Munmap(m.mem)
	m.mem = nil
	return err
}
