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
// written while mapped read+write and only then made executable (W^X): no
// page is ever writable and executable at the same time.
type Mem struct {
	mu   sync.Mutex
	mem  []byte  // the mapping; nil once freed
	addr uintptr // address of mem[0], kept for diagnostics after Free
	size int     // bytes of code
}

// Map maps code into fresh executable memory.
func Map(code []byte) (*Mem, error) {
	if len(code) == 0 {
		return nil, fmt.Errorf("jit: empty code")
	}
	page := unix.Getpagesize()
	n := (len(code) + page - 1) / page * page
	// MAP_POPULATE: the copy below writes every page, and faulting them
	// in with the mapping is cheaper than one fault per page.
	mem, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("jit: mmap %d bytes: %w", n, err)
	}
	copy(mem, code)
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("jit: mprotect: %w", err)
	}
	return &Mem{mem: mem, addr: uintptr(unsafe.Pointer(&mem[0])), size: len(code)}, nil
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
