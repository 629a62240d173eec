package vm

import (
	"fmt"
	"sync"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// JITMode selects the engine: the JIT, the interpreter, or the JIT where
// one exists for the running architecture.
type JITMode uint8

// JIT modes.
const (
	JITAuto JITMode = iota // the JIT if this architecture has one, else the interpreter
	JITOff                 // always the interpreter
	JITOn                  // the JIT, or an error wrapping ErrNotSupported
)

var jitModeNames = [...]string{JITAuto: "auto", JITOff: "off", JITOn: "on"}

// String returns "auto", "off" or "on".
func (m JITMode) String() string {
	if int(m) < len(jitModeNames) {
		return jitModeNames[m]
	}
	return fmt.Sprintf("JITMode(%d)", uint8(m))
}

// ParseJITMode parses "auto", "off" or "on", as the --jit flag takes them.
func ParseJITMode(s string) (JITMode, error) {
	for m, name := range jitModeNames {
		if s == name {
			return JITMode(m), nil
		}
	}
	return 0, fmt.Errorf("invalid JIT mode %q (want auto, off or on)", s)
}

// DefaultPoolSize is how many idle contexts a Program keeps by default.
const DefaultPoolSize = 64

// maxDataAlign is the largest data section alignment honoured: DataAddr is
// a multiple of it.
const maxDataAlign = 512

// Options configure Load.
type Options struct {
	// Helpers is the registry the program is linked and validated against;
	// nil means no helpers.
	Helpers *Helpers
	// CodeSizeLimit is the largest program in bytes of bytecode (8 per
	// slot); 0 means DefaultCodeSizeLimit.
	CodeSizeLimit int
	// JIT selects the engine.
	JIT JITMode
	// PoolSize is how many idle contexts Put keeps; 0 means
	// DefaultPoolSize, a negative value keeps none.
	PoolSize int
}

// Entry is a code section the program can be run from.
type Entry struct {
	Name string
	Kind bpf.EntryKind
	Slot int
}

// Program is a validated, linked program ready to run. It is safe for
// concurrent use; each run needs its own Context.
type Program struct {
	entries []Entry
	insns   []bpf.Instruction
	code    []op
	helpers []Helper
	layout  abi.CageLayout
	data    []byte // initial writable data, DataSize bytes
	rodata  []byte
	native  *nativeCode // JIT-compiled code; nil runs the interpreter
	stores  bool        // some instruction writes memory (ST, STX, atomics)

	mu       sync.Mutex
	pool     []*Context
	poolSize int
	closed   bool

	cache Cache // see Cache
}

// Cache returns a cache that lives as long as the program. Helpers keep
// there what they derive from the program's read-only data (a parsed
// configuration, a compiled regexp), keyed by its guest address, which is
// immutable for the program's life: it is parsed once per loaded program
// (DESIGN §2, "Helpers do the heavy lifting").
func (p *Program) Cache() *Cache { return &p.cache }

// LoadCode loads raw instructions as a program with one entry named "code"
// at slot 0, as conformance tests and fuzzers need.
func LoadCode(insns []bpf.Instruction, opts Options) (*Program, error) {
	return Load(&bpf.Object{Insns: insns, Sections: []bpf.CodeSection{{Name: "code", Start: 0, Len: len(insns)}}}, opts)
}

// Load lays out obj's data in the cage, links its helper calls and data
// references, validates the linked code and prepares it for execution.
func Load(obj *bpf.Object, opts Options) (*Program, error) {
	if len(obj.Sections) == 0 {
		return nil, fmt.Errorf("load: no code sections")
	}
	if err := checkObject(obj); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	p := &Program{helpers: opts.Helpers.table(), poolSize: opts.PoolSize}
	if p.poolSize == 0 {
		p.poolSize = DefaultPoolSize
	}
	dataAddr, err := p.layoutData(obj)
	if err != nil {
		return nil, err
	}
	p.insns, err = obj.Link(dataAddr, func(name string) (int32, bool) {
		id, ok := opts.Helpers.ID(name)
		return int32(id), ok
	})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	for _, ins := range p.insns {
		if c := ins.OpCode.Class(); c == bpf.ClassST || c == bpf.ClassSTX {
			p.stores = true
			break
		}
	}
	contents, err := obj.LinkData(dataAddr)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	p.data = make([]byte, p.layout.DataSize)
	p.rodata = make([]byte, p.layout.RODataSize)
	for i, d := range obj.Data {
		if d.Writable {
			copy(p.data[dataAddr[i]-abi.DataAddr:], contents[i])
		} else {
			copy(p.rodata[dataAddr[i]-p.layout.RODataAddr:], contents[i])
		}
	}
	var starts []int
	for _, s := range obj.Sections {
		starts = append(starts, s.Start)
	}
	for _, f := range obj.Funcs {
		starts = append(starts, f.Slot)
	}
	if err := verify(p.insns, starts, p.helpers, opts.CodeSizeLimit); err != nil {
		return nil, err
	}
	for _, s := range obj.Sections {
		if s.Len <= 0 || s.Start+s.Len > len(p.insns) {
			return nil, fmt.Errorf("load: section %q: slots [%d, %d) outside the %d-slot code", s.Name, s.Start, s.Start+s.Len, len(p.insns))
		}
		p.entries = append(p.entries, Entry{Name: s.Name, Kind: s.Kind, Slot: s.Start})
	}
	if opts.JIT == JITOn || opts.JIT == JITAuto && hasJIT {
		if err := p.compileNative(opts.CodeSizeLimit); err != nil {
			return nil, err
		}
	} else {
		// The interpreter's form; a JIT-compiled program never runs it.
		p.code = decode(p.insns)
	}
	return p, nil
}

// checkObject checks that obj's relocation lists point inside it, so
// linking cannot go out of bounds whatever produced the object.
func checkObject(obj *bpf.Object) error {
	n := len(obj.Insns)
	for _, hc := range obj.HelperCalls {
		if hc.Slot < 0 || hc.Slot >= n || obj.Insns[hc.Slot].Imm < 0 || int(obj.Insns[hc.Slot].Imm) >= len(obj.Helpers) {
			return fmt.Errorf("helper call %q at slot %d: slot or helper index out of range", hc.Name, hc.Slot)
		}
	}
	for _, ref := range obj.DataRefs {
		if ref.Slot < 0 || ref.Slot+1 >= n || obj.Insns[ref.Slot].OpCode != bpf.OpLDDW {
			return fmt.Errorf("data reference at slot %d: not an lddw of the program", ref.Slot)
		}
		if ref.Section < 0 || ref.Section >= len(obj.Data) || ref.Offset > obj.Data[ref.Section].Size {
			return fmt.Errorf("data reference at slot %d: section %d offset %d out of range", ref.Slot, ref.Section, ref.Offset)
		}
	}
	for _, p := range obj.Pointers {
		if p.Section < 0 || p.Section >= len(obj.Data) || p.Target < 0 || p.Target >= len(obj.Data) ||
			(p.Size != 4 && p.Size != 8) || p.Offset > uint64(len(obj.Data[p.Section].Contents)) ||
			uint64(p.Size) > uint64(len(obj.Data[p.Section].Contents))-p.Offset {
			return fmt.Errorf("data pointer at section %d offset %d: out of range", p.Section, p.Offset)
		}
	}
	return nil
}

// layoutData places writable sections after abi.DataAddr and read-only ones
// at the layout's RODataAddr, and returns each section's guest address.
func (p *Program) layoutData(obj *bpf.Object) ([]uint64, error) {
	offs := make([]uint64, len(obj.Data))
	var dataSize, roSize, roAlign uint64 = 0, 0, 1
	for i, d := range obj.Data {
		align := max(d.Align, 1)
		if align&(align-1) != 0 || align > maxDataAlign {
			return nil, fmt.Errorf("load: data section %q: alignment %d is not a power of two up to %d", d.Name, d.Align, maxDataAlign)
		}
		if d.Contents != nil && uint64(len(d.Contents)) != d.Size {
			return nil, fmt.Errorf("load: data section %q: %d bytes of contents for size %d", d.Name, len(d.Contents), d.Size)
		}
		if d.Size > abi.MaxCageSize {
			return nil, fmt.Errorf("load: data section %q: %d bytes is over the %d-byte cage limit", d.Name, d.Size, abi.MaxCageSize)
		}
		size := &roSize
		if d.Writable {
			size = &dataSize
		} else {
			roAlign = max(roAlign, align)
		}
		offs[i] = (*size + align - 1) &^ (align - 1)
		*size = offs[i] + d.Size
	}
	var err error
	p.layout, err = abi.NewCageLayout(dataSize, roSize, roAlign)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	for i, d := range obj.Data {
		if d.Writable {
			offs[i] += abi.DataAddr
		} else {
			offs[i] += p.layout.RODataAddr
		}
	}
	return offs, nil
}

// Entries returns the program's entries (its code sections) in order; Run
// takes an index into it.
func (p *Program) Entries() []Entry { return p.entries }

// Entry returns the index of the entry named name.
func (p *Program) Entry(name string) (int, bool) {
	for i, e := range p.entries {
		if e.Name == name {
			return i, true
		}
	}
	return 0, false
}

// JIT reports whether the program runs as JIT-compiled machine code.
func (p *Program) JIT() bool { return p.native != nil }

// Instructions returns the linked, validated code.
func (p *Program) Instructions() []bpf.Instruction { return p.insns }

// Layout returns the program's cage layout.
func (p *Program) Layout() abi.CageLayout { return p.layout }

// Get returns an idle context from the pool, or a new one.
func (p *Program) Get() (*Context, error) {
	p.mu.Lock()
	if n := len(p.pool); n > 0 {
		c := p.pool[n-1]
		p.pool = p.pool[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	return p.NewContext()
}

// Put returns a context to the pool (or closes it when the pool is full or
// the program closed). Its User is cleared and a pending interrupt dropped.
func (p *Program) Put(c *Context) {
	c.User = nil
	c.interrupted.Store(false)
	p.mu.Lock()
	if !p.closed && len(p.pool) < p.poolSize {
		p.pool = append(p.pool, c)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	c.Close()
}

// Close releases the pooled contexts. Contexts in use stay valid until
// they are closed or put back.
func (p *Program) Close() error {
	p.mu.Lock()
	pool := p.pool
	p.pool, p.closed = nil, true
	p.mu.Unlock()
	var first error
	for _, c := range pool {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
