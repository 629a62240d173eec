// Package elfload reads relocatable BPF ELF objects — what
// `clang -O2 -target bpf -c` and zeroserve's Caddy compiler produce — into a
// *bpf.Object: executable sections linked into one code image, data
// sections, helper calls by name and data references (see bpf.Object for
// the exact shape). It checks the file's structure and every relocation, and
// rejects anything malformed or unsupported with an *Error; it never panics.
// Whether the code is safe to run is the VM validator's job.
package elfload

import (
	"bytes"
	"cmp"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// Limits on what Load accepts.
const (
	// MaxSections bounds the number of section headers.
	MaxSections = 4096
	// MaxDataSize bounds the total size of the data sections, .bss included.
	MaxDataSize = 1 << 30
)

// opCall is the opcode of a helper or local call (JMP | CALL, immediate).
const opCall = bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpCall))

// Sizes of an Elf64_Rel, an Elf64_Rela and an Elf64_Sym.
const (
	relSize  = 16
	relaSize = 24
	symSize  = 24
)

// sectionKind is what Load does with a section.
type sectionKind uint8

const (
	kindOther   sectionKind = iota // not loaded: symbols, strings, relocations, debug info, BTF
	kindCode                       // executable: copied into the code image
	kindData                       // allocated data: becomes a bpf.DataSection
	kindIgnored                    // allocated metadata for the kernel's loader (license, version)
)

// Load reads a relocatable BPF ELF object: ELF64, little-endian, ET_REL,
// machine EM_BPF (or EM_NONE, as uBPF accepts). Every error is an *Error.
func Load(data []byte) (*bpf.Object, error) {
	f, err := openELF(data)
	if err != nil {
		return nil, err
	}
	l := &loader{data: data, f: f, obj: &bpf.Object{}, relocated: map[int]bool{}, helpers: map[string]int32{}}
	if err := l.load(); err != nil {
		return nil, err
	}
	return l.obj, nil
}

// openELF parses the header and section table with debug/elf, which may
// panic on hostile input; the recover turns that into an error.
func openELF(data []byte) (f *elf.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &Error{Err: fmt.Errorf("malformed ELF file: %v", r)}
		}
	}()
	f, err = elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Err: fmt.Errorf("read header: %w", err)}
	}
	return f, nil
}

// loader holds the state of one Load.
type loader struct {
	data []byte
	f    *elf.File
	obj  *bpf.Object

	kind    []sectionKind // by ELF section index
	index   []int         // by ELF section index: index in obj.Sections or obj.Data
	symtab  int           // ELF index of the symbol table, or -1
	syms    []symbol      // its symbols, the null symbol included
	helpers map[string]int32
	// relocated marks code slots a relocation has resolved.
	relocated map[int]bool
}

// symbol is one Elf64_Sym.
type symbol struct {
	name    string
	typ     elf.SymType
	section elf.SectionIndex
	value   uint64
}

func (l *loader) load() error {
	if err := l.checkHeader(); err != nil {
		return &Error{Err: err}
	}
	if err := l.classify(); err != nil {
		return err
	}
	if err := l.readSymbols(); err != nil {
		return err
	}
	if err := l.layout(); err != nil {
		return err
	}
	if len(l.obj.Insns) == 0 {
		return &Error{Err: errors.New("no code: no executable section has instructions")}
	}
	if err := l.relocate(); err != nil {
		return err
	}
	if err := l.checkCalls(); err != nil {
		return err
	}
	slices.SortFunc(l.obj.HelperCalls, func(a, b bpf.HelperCall) int { return cmp.Compare(a.Slot, b.Slot) })
	slices.SortFunc(l.obj.DataRefs, func(a, b bpf.DataRef) int { return cmp.Compare(a.Slot, b.Slot) })
	slices.SortFunc(l.obj.Pointers, func(a, b bpf.Pointer) int {
		return cmp.Or(cmp.Compare(a.Section, b.Section), cmp.Compare(a.Offset, b.Offset))
	})
	for i := 1; i < len(l.obj.Pointers); i++ {
		a, b := l.obj.Pointers[i-1], l.obj.Pointers[i]
		if a.Section == b.Section && a.Offset+uint64(a.Size) > b.Offset {
			return &Error{Section: l.obj.Data[a.Section].Name, Err: fmt.Errorf("relocations at offsets %#x and %#x overlap", a.Offset, b.Offset)}
		}
	}
	return nil
}

func (l *loader) checkHeader() error {
	f := l.f
	switch {
	case f.Class != elf.ELFCLASS64:
		return fmt.Errorf("class %v, want ELFCLASS64", f.Class)
	case f.Data != elf.ELFDATA2LSB:
		return fmt.Errorf("byte order %v, want ELFDATA2LSB", f.Data)
	case f.Version != elf.EV_CURRENT:
		return fmt.Errorf("version %v, want EV_CURRENT", f.Version)
	case f.OSABI != elf.ELFOSABI_NONE:
		return fmt.Errorf("OS ABI %v, want ELFOSABI_NONE", f.OSABI)
	case f.Type != elf.ET_REL:
		return fmt.Errorf("type %v, want ET_REL (a relocatable object)", f.Type)
	case f.Machine != elf.EM_BPF && f.Machine != elf.EM_NONE:
		return fmt.Errorf("machine %v, want EM_BPF", f.Machine)
	case len(f.Sections) > MaxSections:
		return fmt.Errorf("%d sections, more than %d", len(f.Sections), MaxSections)
	}
	return nil
}

// classify decides what to do with each section.
func (l *loader) classify() error {
	l.kind = make([]sectionKind, len(l.f.Sections))
	l.index = make([]int, len(l.f.Sections))
	l.symtab = -1
	for i, s := range l.f.Sections {
		l.index[i] = -1
		if s.Type == elf.SHT_SYMTAB {
			if l.symtab >= 0 {
				return &Error{Section: s.Name, Err: errors.New("second symbol table")}
			}
			l.symtab = i
		}
		if s.Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		switch {
		case s.Flags&elf.SHF_EXECINSTR != 0:
			if s.Type != elf.SHT_PROGBITS {
				return &Error{Section: s.Name, Err: fmt.Errorf("executable section of type %v, want SHT_PROGBITS", s.Type)}
			}
			l.kind[i] = kindCode
		case s.Name == ".maps" || s.Name == "maps" || len(s.Name) > 6 && s.Name[:6] == ".maps.":
			return &Error{Section: s.Name, Err: fmt.Errorf("BPF maps: %w (use helpers for state)", ErrUnsupported)}
		case s.Name == "license" || s.Name == "version":
			l.kind[i] = kindIgnored
		case s.Type == elf.SHT_PROGBITS || s.Type == elf.SHT_NOBITS:
			l.kind[i] = kindData
		default:
			return &Error{Section: s.Name, Err: fmt.Errorf("allocated section of type %v: %w", s.Type, ErrUnsupported)}
		}
		if s.Flags&elf.SHF_COMPRESSED != 0 {
			return &Error{Section: s.Name, Err: fmt.Errorf("compressed section: %w", ErrUnsupported)}
		}
	}
	return nil
}

// contents returns a section's bytes inside the file (nil for NOBITS).
func (l *loader) contents(i int) ([]byte, error) {
	s := l.f.Sections[i]
	if s.Type == elf.SHT_NOBITS {
		return nil, nil
	}
	end := s.Offset + s.FileSize
	if end < s.Offset || end > uint64(len(l.data)) {
		return nil, fmt.Errorf("contents at %#x size %#x are outside the file (%d bytes)", s.Offset, s.FileSize, len(l.data))
	}
	return l.data[s.Offset:end], nil
}

// readSymbols reads the symbol table, if there is one.
func (l *loader) readSymbols() error {
	if l.symtab < 0 {
		return nil
	}
	s := l.f.Sections[l.symtab]
	data, err := l.contents(l.symtab)
	if err != nil {
		return &Error{Section: s.Name, Err: err}
	}
	if len(data)%symSize != 0 {
		return &Error{Section: s.Name, Err: fmt.Errorf("size %d is not a multiple of %d", len(data), symSize)}
	}
	if int(s.Link) >= len(l.f.Sections) || s.Link == 0 || l.f.Sections[s.Link].Type != elf.SHT_STRTAB {
		return &Error{Section: s.Name, Err: fmt.Errorf("string table index %d is not a string table", s.Link)}
	}
	strs, err := l.contents(int(s.Link))
	if err != nil {
		return &Error{Section: l.f.Sections[s.Link].Name, Err: err}
	}
	l.syms = make([]symbol, len(data)/symSize)
	for i := range l.syms {
		e := data[i*symSize:]
		nameOff := binary.LittleEndian.Uint32(e)
		name, ok := cString(strs, nameOff)
		if !ok {
			return &Error{Section: s.Name, Err: fmt.Errorf("symbol %d: name offset %d is outside the string table or unterminated", i, nameOff)}
		}
		l.syms[i] = symbol{
			name:    name,
			typ:     elf.ST_TYPE(e[4]),
			section: elf.SectionIndex(binary.LittleEndian.Uint16(e[6:])),
			value:   binary.LittleEndian.Uint64(e[8:]),
		}
	}
	return nil
}

// cString returns the NUL-terminated string at off in a string table.
func cString(tab []byte, off uint32) (string, bool) {
	if uint64(off) >= uint64(len(tab)) {
		return "", off == 0 && len(tab) == 0
	}
	end := bytes.IndexByte(tab[off:], 0)
	if end < 0 {
		return "", false
	}
	return string(tab[off : int(off)+end]), true
}

// layout builds the code image, the data sections and the function list.
func (l *loader) layout() error {
	var dataSize uint64
	for i, s := range l.f.Sections {
		switch l.kind[i] {
		case kindCode:
			data, err := l.contents(i)
			if err != nil {
				return &Error{Section: s.Name, Err: err}
			}
			insns, err := bpf.DecodeProgram(data)
			if err != nil {
				return &Error{Section: s.Name, Err: err}
			}
			kind, _, err := bpf.ParseEntryName(s.Name)
			if err != nil {
				return &Error{Section: s.Name, Err: err}
			}
			if len(insns) == 0 {
				// clang emits an empty .text in every object; there is
				// nothing to run or call in it.
				l.kind[i] = kindOther
				continue
			}
			if _, dup := l.obj.Section(s.Name); dup {
				return &Error{Section: s.Name, Err: errors.New("two executable sections have this name")}
			}
			l.index[i] = len(l.obj.Sections)
			l.obj.Sections = append(l.obj.Sections, bpf.CodeSection{Name: s.Name, Kind: kind, Start: len(l.obj.Insns), Len: len(insns)})
			l.obj.Insns = append(l.obj.Insns, insns...)
		case kindData:
			d := bpf.DataSection{Name: s.Name, Size: s.Size, Align: max(s.Addralign, 1), Writable: s.Flags&elf.SHF_WRITE != 0}
			if d.Align&(d.Align-1) != 0 || d.Align > 4096 {
				return &Error{Section: s.Name, Err: fmt.Errorf("alignment %d is not a power of two up to 4096", s.Addralign)}
			}
			dataSize += d.Size
			if d.Size > MaxDataSize || dataSize > MaxDataSize {
				return &Error{Section: s.Name, Err: fmt.Errorf("data sections total more than %d bytes", MaxDataSize)}
			}
			if s.Type != elf.SHT_NOBITS {
				data, err := l.contents(i)
				if err != nil {
					return &Error{Section: s.Name, Err: err}
				}
				d.Contents = bytes.Clone(data)
				if d.Contents == nil {
					d.Contents = []byte{}
				}
			}
			l.index[i] = len(l.obj.Data)
			l.obj.Data = append(l.obj.Data, d)
		}
	}
	for _, sym := range l.syms {
		if sym.typ != elf.STT_FUNC || int(sym.section) >= len(l.kind) || l.kind[sym.section] != kindCode {
			continue
		}
		cs := l.obj.Sections[l.index[sym.section]]
		if sym.value%bpf.SlotSize != 0 || sym.value/bpf.SlotSize >= uint64(cs.Len) {
			return &Error{Section: cs.Name, Symbol: sym.name, Err: fmt.Errorf("function at offset %#x is not an instruction of the section", sym.value)}
		}
		l.obj.Funcs = append(l.obj.Funcs, bpf.Func{Name: sym.name, Slot: cs.Start + int(sym.value/bpf.SlotSize)})
	}
	slices.SortFunc(l.obj.Funcs, func(a, b bpf.Func) int { return cmp.Or(cmp.Compare(a.Slot, b.Slot), cmp.Compare(a.Name, b.Name)) })
	return nil
}

// reloc is one Elf64_Rel or Elf64_Rela entry.
type reloc struct {
	offset uint64
	typ    RelocType
	sym    uint32
	addend int64
	rela   bool // the addend is explicit, not read from the field
}

// relocate applies the relocation sections of code and data sections. Those
// of other sections (debug info, BTF, license) are not read.
func (l *loader) relocate() error {
	for i, s := range l.f.Sections {
		if s.Type != elf.SHT_REL && s.Type != elf.SHT_RELA {
			continue
		}
		if int(s.Info) >= len(l.f.Sections) {
			return &Error{Section: s.Name, Err: fmt.Errorf("target section index %d does not exist", s.Info)}
		}
		target := int(s.Info)
		if l.kind[target] != kindCode && l.kind[target] != kindData {
			continue
		}
		if l.symtab < 0 || int(s.Link) != l.symtab {
			return &Error{Section: s.Name, Err: fmt.Errorf("symbol table index %d is not the symbol table", s.Link)}
		}
		relocs, err := l.readRelocs(i)
		if err != nil {
			return &Error{Section: s.Name, Err: err}
		}
		for _, r := range relocs {
			if r.typ == RelNone {
				continue
			}
			if r.sym == 0 || uint64(r.sym) >= uint64(len(l.syms)) {
				return &Error{Section: l.f.Sections[target].Name, Err: fmt.Errorf("relocation at offset %#x: symbol index %d out of range", r.offset, r.sym)}
			}
			if l.kind[target] == kindCode {
				err = l.relocateCode(target, r)
			} else {
				err = l.relocateData(target, r)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *loader) readRelocs(i int) ([]reloc, error) {
	size := relSize
	if l.f.Sections[i].Type == elf.SHT_RELA {
		size = relaSize
	}
	data, err := l.contents(i)
	if err != nil {
		return nil, err
	}
	if len(data)%size != 0 {
		return nil, fmt.Errorf("size %d is not a multiple of %d", len(data), size)
	}
	relocs := make([]reloc, len(data)/size)
	for j := range relocs {
		e := data[j*size:]
		info := binary.LittleEndian.Uint64(e[8:])
		relocs[j] = reloc{offset: binary.LittleEndian.Uint64(e), typ: RelocType(uint32(info)), sym: uint32(info >> 32)}
		if size == relaSize {
			relocs[j].addend = int64(binary.LittleEndian.Uint64(e[16:]))
			relocs[j].rela = true
		}
	}
	return relocs, nil
}

// symbolName returns a symbol's name, or its section's name for a section
// symbol.
func (l *loader) symbolName(sym symbol) string {
	if sym.typ == elf.STT_SECTION && int(sym.section) < len(l.f.Sections) {
		return l.f.Sections[sym.section].Name
	}
	return sym.name
}

// relocateCode applies one relocation to an instruction of code section sec.
func (l *loader) relocateCode(sec int, r reloc) error {
	cs := l.obj.Sections[l.index[sec]]
	sym := l.syms[r.sym]
	fail := func(format string, args ...any) error {
		return &Error{Section: cs.Name, Symbol: l.symbolName(sym), Err: fmt.Errorf("%v at insn %d: %w", r.typ, r.offset/bpf.SlotSize, fmt.Errorf(format, args...))}
	}
	if r.offset%bpf.SlotSize != 0 || r.offset/bpf.SlotSize >= uint64(cs.Len) {
		return &Error{Section: cs.Name, Symbol: l.symbolName(sym), Err: fmt.Errorf("%v at offset %#x: not an instruction of the section (%d bytes)", r.typ, r.offset, cs.Len*bpf.SlotSize)}
	}
	slot := cs.Start + int(r.offset/bpf.SlotSize)
	if l.relocated[slot] {
		return fail("second relocation for this instruction")
	}
	l.relocated[slot] = true
	ins := &l.obj.Insns[slot]
	switch r.typ {
	case Rel64_64:
		if ins.OpCode != bpf.OpLDDW || slot+1 >= cs.Start+cs.Len {
			return fail("not an lddw instruction")
		}
		if ins.Src != 0 {
			return fail("lddw with src %d: %w", ins.Src, ErrUnsupported)
		}
		next := &l.obj.Insns[slot+1]
		addend := r.addend
		if !r.rela {
			addend = int64(uint64(uint32(ins.Imm)) | uint64(uint32(next.Imm))<<32)
		}
		target, off, err := l.dataTarget(sym, addend)
		if err != nil {
			return fail("%w", err)
		}
		ins.Imm, next.Imm = int32(uint32(off)), int32(uint32(off>>32))
		l.obj.DataRefs = append(l.obj.DataRefs, bpf.DataRef{Slot: slot, Section: target, Offset: off})
		return nil
	case Rel64_32:
		if ins.OpCode != opCall {
			return fail("not a call instruction")
		}
		if sym.section == elf.SHN_UNDEF {
			if sym.name == "" {
				return fail("call to an undefined symbol without a name")
			}
			id, ok := l.helpers[sym.name]
			if !ok {
				id = int32(len(l.obj.Helpers))
				l.helpers[sym.name] = id
				l.obj.Helpers = append(l.obj.Helpers, sym.name)
			}
			ins.Src, ins.Imm = bpf.CallHelper, id
			l.obj.HelperCalls = append(l.obj.HelperCalls, bpf.HelperCall{Slot: slot, Name: sym.name})
			return nil
		}
		if int(sym.section) >= len(l.kind) || l.kind[sym.section] != kindCode {
			return fail("call to a symbol outside the code (section index %d)", sym.section)
		}
		tcs := l.obj.Sections[l.index[sym.section]]
		addend := r.addend
		if !r.rela {
			addend = (int64(ins.Imm) + 1) * bpf.SlotSize
		}
		off := int64(sym.value) + addend
		if sym.value > uint64(tcs.Len)*bpf.SlotSize || off < 0 || off%bpf.SlotSize != 0 || off/bpf.SlotSize >= int64(tcs.Len) {
			return fail("call target %#x is not an instruction of section %q", uint64(off), tcs.Name)
		}
		target := tcs.Start + int(off/bpf.SlotSize)
		ins.Src, ins.Imm = bpf.CallLocal, int32(target-(slot+1))
		return nil
	case RelAbs64, RelAbs32, RelNoDyld32:
		return fail("a data relocation, not valid on an instruction")
	}
	return fail("unknown relocation type")
}

// dataTarget resolves a data symbol plus addend to (data section, offset).
func (l *loader) dataTarget(sym symbol, addend int64) (int, uint64, error) {
	switch {
	case sym.section == elf.SHN_UNDEF:
		return 0, 0, fmt.Errorf("undefined data symbol (extern variables are %w)", ErrUnsupported)
	case sym.section >= elf.SHN_LORESERVE:
		return 0, 0, fmt.Errorf("symbol in special section %v: %w", sym.section, ErrUnsupported)
	case int(sym.section) >= len(l.kind):
		return 0, 0, fmt.Errorf("symbol section index %d does not exist", sym.section)
	}
	name := l.f.Sections[sym.section].Name
	switch l.kind[sym.section] {
	case kindCode:
		return 0, 0, fmt.Errorf("address of code in %q: %w", name, ErrUnsupported)
	case kindIgnored:
		return 0, 0, fmt.Errorf("reference to %q, which is metadata zeroserve does not load", name)
	case kindOther:
		return 0, 0, fmt.Errorf("reference to %q, which is not an allocated section", name)
	}
	target := l.index[sym.section]
	size := l.obj.Data[target].Size
	off := sym.value + uint64(addend)
	if sym.value > size || (addend >= 0 && off < sym.value) || (addend < 0 && off > sym.value) || off > size {
		return 0, 0, fmt.Errorf("offset %#x+%d is outside %q (%d bytes)", sym.value, addend, name, size)
	}
	return target, off, nil
}

// relocateData applies one relocation to a field in data section sec.
func (l *loader) relocateData(sec int, r reloc) error {
	di := l.index[sec]
	d := &l.obj.Data[di]
	sym := l.syms[r.sym]
	fail := func(format string, args ...any) error {
		return &Error{Section: d.Name, Symbol: l.symbolName(sym), Err: fmt.Errorf("%v at offset %#x: %w", r.typ, r.offset, fmt.Errorf(format, args...))}
	}
	var size int
	switch r.typ {
	case RelAbs64:
		size = 8
	case RelAbs32:
		size = 4
	case Rel64_64, Rel64_32:
		return fail("an instruction relocation, not valid in data")
	default:
		return fail("unknown or unsupported relocation type in data")
	}
	if d.Contents == nil {
		return fail("relocation in a NOBITS section")
	}
	if r.offset > d.Size || d.Size-r.offset < uint64(size) {
		return fail("field is outside the section (%d bytes)", d.Size)
	}
	field := d.Contents[r.offset : r.offset+uint64(size)]
	addend := r.addend
	if !r.rela {
		if size == 8 {
			addend = int64(binary.LittleEndian.Uint64(field))
		} else {
			addend = int64(binary.LittleEndian.Uint32(field))
		}
	}
	target, off, err := l.dataTarget(sym, addend)
	if err != nil {
		return fail("%w", err)
	}
	if size == 8 {
		binary.LittleEndian.PutUint64(field, off)
	} else {
		if off > 0xffffffff {
			return fail("offset %#x does not fit in 32 bits", off)
		}
		binary.LittleEndian.PutUint32(field, uint32(off))
	}
	l.obj.Pointers = append(l.obj.Pointers, bpf.Pointer{Section: di, Offset: r.offset, Size: size, Target: target})
	return nil
}

// checkCalls rejects calls that no relocation resolved, except local calls
// that stay inside their own section (clang resolves those itself).
func (l *loader) checkCalls() error {
	for _, cs := range l.obj.Sections {
		end := cs.Start + cs.Len
		for i := cs.Start; i < end; i++ {
			ins := l.obj.Insns[i]
			if ins.OpCode == bpf.OpLDDW {
				i++
				continue
			}
			if ins.OpCode != opCall || l.relocated[i] {
				continue
			}
			switch ins.Src {
			case bpf.CallLocal:
				if t := i + 1 + int(ins.Imm); t < cs.Start || t >= end {
					return &Error{Section: cs.Name, Err: fmt.Errorf("local call at insn %d leaves the section without a relocation", i-cs.Start)}
				}
			case bpf.CallHelper:
				return &Error{Section: cs.Name, Err: fmt.Errorf("call at insn %d to helper number %d: helpers are called by name, as extern functions: numbered helpers are %w", i-cs.Start, ins.Imm, ErrUnsupported)}
			default:
				return &Error{Section: cs.Name, Err: fmt.Errorf("call at insn %d with src %d: %w", i-cs.Start, ins.Src, ErrUnsupported)}
			}
		}
	}
	return nil
}
