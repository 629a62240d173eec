package elfload

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// template is a small ELF object built field by field, after uBPF's ELF
// loader tests (testdata/README.md §7.3): header, section headers at offset
// 64, then null, .text, .strtab, .symtab and .rel. .text is
// `mov r1, 1764; call sqrti; exit`; .rel holds one R_BPF_64_32 (uBPF's
// template uses its own type number 2; ours is LLVM's 10) at the call
// against the weak undefined function symbol sqrti. Tests change fields
// between layout and encode, so a mutated offset or size is written to the
// header while the contents stay where layout put them.
type template struct {
	ehdr  elf.Header64
	shdrs []elf.Section64
	data  [][]byte       // contents by section, written at pos
	pos   []uint64       // where layout put each section's contents
	syms  []elf.Sym64    // encoded into the .symtab section
	rels  []elf.Rel64    // encoded into the .rel section
	relas []elf.Rela64   // if set, .rel becomes SHT_RELA with these
	index map[string]int // section index by name
}

const (
	tText = 1 + iota
	tStrtab
	tSymtab
	tRel
)

// strtab of the template; offsets: .text 1, .strtab 7, .symtab 15, .rel 23, sqrti 28.
const templateStrtab = "\x00.text\x00.strtab\x00.symtab\x00.rel\x00sqrti\x00"

func newTemplate() *template {
	t := &template{index: map[string]int{}}
	t.ehdr = elf.Header64{
		Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_NONE), Version: uint32(elf.EV_CURRENT),
		Shoff: 64, Ehsize: 64, Shentsize: 64, Shstrndx: tStrtab,
	}
	copy(t.ehdr.Ident[:], elf.ELFMAG)
	t.ehdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	t.ehdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	t.ehdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	text := bpf.EncodeProgram([]bpf.Instruction{
		{OpCode: bpf.OpCode(byte(bpf.ClassALU64) | byte(bpf.ALUMov)), Dst: bpf.R1, Imm: 1764},
		{OpCode: opCall, Imm: -1},
		{OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpExit))},
	})
	t.add("", elf.Section64{}, nil)
	t.add(".text", elf.Section64{Name: 1, Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_ALLOC | elf.SHF_EXECINSTR), Addralign: 8}, text)
	t.add(".strtab", elf.Section64{Name: 7, Type: uint32(elf.SHT_STRTAB), Addralign: 1}, []byte(templateStrtab))
	t.add(".symtab", elf.Section64{Name: 15, Type: uint32(elf.SHT_SYMTAB), Link: tStrtab, Info: 1, Addralign: 8, Entsize: symSize}, nil)
	t.add(".rel", elf.Section64{Name: 23, Type: uint32(elf.SHT_REL), Link: tSymtab, Info: tText, Addralign: 8, Entsize: relSize}, nil)
	t.syms = []elf.Sym64{{}, {Name: 28, Info: elf.ST_INFO(elf.STB_WEAK, elf.STT_FUNC)}}
	t.rels = []elf.Rel64{{Off: 8, Info: elf.R_INFO(1, uint32(Rel64_32))}}
	return t
}

// add appends a section and returns its index.
func (t *template) add(name string, sh elf.Section64, data []byte) int {
	t.index[name] = len(t.shdrs)
	t.shdrs = append(t.shdrs, sh)
	t.data = append(t.data, data)
	return len(t.shdrs) - 1
}

// addName appends name to .strtab and returns its offset.
func (t *template) addName(name string) uint32 {
	off := len(t.data[tStrtab])
	t.data[tStrtab] = append(t.data[tStrtab], name+"\x00"...)
	return uint32(off)
}

// addSection adds a named section (its name goes into .strtab).
func (t *template) addSection(name string, typ elf.SectionType, flags elf.SectionFlag, data []byte) int {
	return t.add(name, elf.Section64{Name: t.addName(name), Type: uint32(typ), Flags: uint64(flags), Addralign: 8}, data)
}

// addRel adds a relocation section for target with the given entries.
func (t *template) addRel(target int, rels ...elf.Rel64) int {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, rels)
	return t.add(".rel"+t.name(target), elf.Section64{Name: t.addName(".rel" + t.name(target)), Type: uint32(elf.SHT_REL), Link: tSymtab, Info: uint32(target), Addralign: 8, Entsize: relSize}, b.Bytes())
}

// addSym adds a symbol and returns its index.
func (t *template) addSym(name string, typ elf.SymType, section int, value uint64) uint32 {
	t.syms = append(t.syms, elf.Sym64{Name: t.addName(name), Info: elf.ST_INFO(elf.STB_GLOBAL, typ), Shndx: uint16(section), Value: value})
	return uint32(len(t.syms) - 1)
}

func (t *template) name(i int) string {
	for n, j := range t.index {
		if j == i {
			return n
		}
	}
	return ""
}

// layout encodes the symbols and relocations and places every section's
// contents after the section headers, filling in offsets and sizes.
func (t *template) layout() {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, t.syms)
	t.data[tSymtab] = b.Bytes()
	b = bytes.Buffer{}
	if t.relas != nil {
		binary.Write(&b, binary.LittleEndian, t.relas)
		t.shdrs[tRel].Type, t.shdrs[tRel].Entsize = uint32(elf.SHT_RELA), relaSize
	} else {
		binary.Write(&b, binary.LittleEndian, t.rels)
	}
	t.data[tRel] = b.Bytes()
	t.ehdr.Shnum = uint16(len(t.shdrs))
	off := uint64(64 + 64*len(t.shdrs))
	t.pos = make([]uint64, len(t.shdrs))
	for i := range t.shdrs {
		if i == 0 {
			continue
		}
		off = (off + 7) &^ 7
		t.pos[i] = off
		t.shdrs[i].Off = off
		if t.shdrs[i].Type != uint32(elf.SHT_NOBITS) {
			t.shdrs[i].Size = uint64(len(t.data[i]))
			off += uint64(len(t.data[i]))
		}
	}
}

func (t *template) encode() []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, t.ehdr)
	binary.Write(&b, binary.LittleEndian, t.shdrs)
	out := b.Bytes()
	for i, d := range t.data {
		if i == 0 || t.shdrs[i].Type == uint32(elf.SHT_NOBITS) {
			continue
		}
		if end := t.pos[i] + uint64(len(d)); uint64(len(out)) < end {
			out = append(out, make([]byte, end-uint64(len(out)))...)
		}
		copy(out[t.pos[i]:], d)
	}
	return out
}

// buildTemplate returns the template with before applied before layout and
// after applied after it.
func buildTemplate(before, after func(t *template)) []byte {
	t := newTemplate()
	if before != nil {
		before(t)
	}
	t.layout()
	if after != nil {
		after(t)
	}
	return t.encode()
}

func TestTemplateOK(t *testing.T) {
	for _, rela := range []bool{false, true} {
		data := buildTemplate(func(t *template) {
			if rela {
				t.relas = []elf.Rela64{{Off: 8, Info: elf.R_INFO(1, uint32(Rel64_32))}}
			}
		}, nil)
		o, err := Load(data)
		if err != nil {
			t.Fatalf("rela %v: %v", rela, err)
		}
		if err := checkInvariants(o); err != nil {
			t.Fatal(err)
		}
		if len(o.Sections) != 1 || o.Sections[0].Name != ".text" || o.Sections[0].Kind != bpf.EntryNone {
			t.Errorf("Sections = %+v", o.Sections)
		}
		if want := []bpf.HelperCall{{Slot: 1, Name: "sqrti"}}; len(o.HelperCalls) != 1 || o.HelperCalls[0] != want[0] {
			t.Errorf("HelperCalls = %+v, want %+v", o.HelperCalls, want)
		}
		insns, err := o.Link(nil, func(name string) (int32, bool) { return 3, name == "sqrti" })
		if err != nil {
			t.Fatal(err)
		}
		if insns[1].Imm != 3 || insns[1].Src != bpf.CallHelper || insns[0].Imm != 1764 {
			t.Errorf("linked code = %+v", insns)
		}
		// uBPF's "relocation symbol not found": the name is only known to be
		// missing when the VM links against its helper registry.
		if _, err := o.Link(nil, func(string) (int32, bool) { return 0, false }); !errors.Is(err, bpf.ErrUnknownHelper) || !strings.Contains(err.Error(), "sqrti") {
			t.Errorf("Link with no helpers: %v", err)
		}
	}
	// EM_BPF is accepted as well as uBPF's EM_NONE.
	if _, err := Load(buildTemplate(func(t *template) { t.ehdr.Machine = uint16(elf.EM_BPF) }, nil)); err != nil {
		t.Errorf("EM_BPF: %v", err)
	}
}

// TestTemplateMutations checks uBPF's ELF mutations and more: each must give
// an *Error whose text names the problem.
func TestTemplateMutations(t *testing.T) {
	ld := func(op bpf.OpCode, dst bpf.Register) []byte {
		return bpf.EncodeProgram([]bpf.Instruction{{OpCode: op, Dst: dst}, {}, {OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpExit))}})
	}
	for _, tc := range []struct {
		name          string
		before, after func(t *template)
		raw           func(b []byte) []byte
		want          string
		unsupported   bool
	}{
		{name: "short header", raw: func(b []byte) []byte { return b[:40] }, want: "read header"},
		{name: "empty file", raw: func(b []byte) []byte { return nil }, want: "read header"},
		{name: "bad magic", raw: func(b []byte) []byte { b[1] = 'X'; return b }, want: "bad magic"},
		{name: "wrong class", raw: func(b []byte) []byte { b[elf.EI_CLASS] = byte(elf.ELFCLASS32); return b }, want: "ELF"},
		{name: "wrong byte order", raw: func(b []byte) []byte { b[elf.EI_DATA] = byte(elf.ELFDATA2MSB); return b }, want: "ELF"},
		{name: "wrong version", raw: func(b []byte) []byte { b[elf.EI_VERSION] = 2; return b }, want: "version"},
		{name: "wrong OS ABI", after: func(t *template) { t.ehdr.Ident[elf.EI_OSABI] = byte(elf.ELFOSABI_LINUX) }, want: "OS ABI ELFOSABI_LINUX"},
		{name: "wrong type", after: func(t *template) { t.ehdr.Type = uint16(elf.ET_EXEC) }, want: "type ET_EXEC"},
		{name: "wrong machine", after: func(t *template) { t.ehdr.Machine = uint16(elf.EM_X86_64) }, want: "machine EM_X86_64"},
		{name: "bad section header offset", after: func(t *template) { t.ehdr.Shoff = 1 << 40 }, want: "read header"},
		{name: "bad section header size", after: func(t *template) { t.ehdr.Shentsize = 20 }, want: "shentsize"},
		{name: "too many sections for the file", after: func(t *template) { t.ehdr.Shnum = 1024 }, want: "read header"},
		{name: "bad shstrndx", after: func(t *template) { t.ehdr.Shstrndx = 99 }, want: "shstrndx"},
		{name: "no .text", after: func(t *template) { t.shdrs[tText].Type = uint32(elf.SHT_NULL) }, want: "executable section of type SHT_NULL"},
		{name: "no code section", after: func(t *template) { t.shdrs[tText].Flags = 0 }, want: "no code"},
		{name: "empty .text", before: func(t *template) { t.data[tText] = nil; t.rels = nil }, want: "no code"},
		{name: "bad section offset", after: func(t *template) { t.shdrs[tText].Off = 1 << 40 }, want: "outside the file"},
		{name: "bad section size", after: func(t *template) { t.shdrs[tText].Size = 1 << 40 }, want: "outside the file"},
		{name: "section offset overflow", after: func(t *template) { t.shdrs[tText].Off = 1<<63 - 8; t.shdrs[tText].Size = 1 << 62 }, want: "outside the file"},
		{name: "code size not whole instructions", before: func(t *template) { t.data[tText] = t.data[tText][:20] }, want: "multiple of 8"},
		{name: "bad relocation offset", before: func(t *template) { t.rels[0].Off = 64 }, want: "not an instruction of the section"},
		{name: "misaligned relocation offset", before: func(t *template) { t.rels[0].Off = 9 }, want: "not an instruction of the section"},
		{name: "bad relocation type", before: func(t *template) { t.rels[0].Info = elf.R_INFO(1, 99) }, want: "R_BPF(99) at insn 1: unknown relocation type"},
		{name: "data relocation in code", before: func(t *template) { t.rels[0].Info = elf.R_INFO(1, uint32(RelAbs64)) }, want: "not valid on an instruction"},
		{name: "bad symbol index", before: func(t *template) { t.rels[0].Info = elf.R_INFO(7, uint32(Rel64_32)) }, want: "symbol index 7 out of range"},
		{name: "null symbol", before: func(t *template) { t.rels[0].Info = elf.R_INFO(0, uint32(Rel64_32)) }, want: "symbol index 0 out of range"},
		{name: "bad symbol name", before: func(t *template) { t.syms[1].Name = 1000 }, want: "name offset 1000"},
		{name: "unnamed helper", before: func(t *template) { t.syms[1].Name = 0 }, want: "without a name"},
		{name: "bad symbol table index", after: func(t *template) { t.shdrs[tRel].Link = tText }, want: "symbol table index 1"},
		{name: "bad string table index", after: func(t *template) { t.shdrs[tSymtab].Link = 99 }, want: "string table index 99"},
		{name: "string table is not a string table", after: func(t *template) { t.shdrs[tSymtab].Link = tText }, want: "string table index 1"},
		{name: "symbol table size", before: func(t *template) {}, after: func(t *template) { t.shdrs[tSymtab].Size -= 4 }, want: "multiple of 24"},
		{name: "relocation table size", after: func(t *template) { t.shdrs[tRel].Size -= 4 }, want: "multiple of 16"},
		{name: "relocated section does not exist", after: func(t *template) { t.shdrs[tRel].Info = 77 }, want: "target section index 77"},
		{name: "no symbol table", after: func(t *template) { t.shdrs[tSymtab].Type = uint32(elf.SHT_PROGBITS) }, want: "is not the symbol table"},
		{name: "R_BPF_64_32 on a non-call", before: func(t *template) { t.rels[0].Off = 0 }, want: "not a call instruction"},
		{name: "R_BPF_64_64 on a non-lddw", before: func(t *template) { t.rels[0].Info = elf.R_INFO(1, uint32(Rel64_64)) }, want: "not an lddw"},
		{name: "two relocations at one call", before: func(t *template) { t.rels = append(t.rels, t.rels[0]) }, want: "second relocation"},
		{name: "helper call by number", before: func(t *template) { t.rels = nil }, want: "helper number -1", unsupported: true},
		{name: "BTF call", before: func(t *template) { t.rels = nil; t.data[tText][9] = bpf.CallBTF << 4 }, want: "src 2", unsupported: true},
		{name: "local call out of its section", before: func(t *template) { t.rels = nil; t.data[tText][9] = bpf.CallLocal << 4; t.data[tText][12] = 5 }, want: "leaves the section"},
		{name: "bad entry section name", before: func(t *template) {
			t.addSection("zeroserve.reqest", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, t.data[tText][16:])
		}, want: "unknown entrypoint kind"},
		{name: "duplicate code section", before: func(t *template) {
			t.addSection(".text", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, t.data[tText][16:])
		}, want: "two executable sections"},
		{name: "executable NOBITS", before: func(t *template) { t.addSection("x", elf.SHT_NOBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, nil) }, want: "executable section of type SHT_NOBITS"},
		{name: "maps", before: func(t *template) {
			t.addSection(".maps", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, make([]byte, 8))
		}, want: "BPF maps", unsupported: true},
		{name: "allocated init array", before: func(t *template) { t.addSection(".init_array", elf.SHT_INIT_ARRAY, elf.SHF_ALLOC, make([]byte, 8)) }, want: "SHT_INIT_ARRAY", unsupported: true},
		{name: "compressed data", before: func(t *template) {
			t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE|elf.SHF_COMPRESSED, make([]byte, 32))
		}, want: "compressed", unsupported: true},
		{name: "bad alignment", before: func(t *template) {
			t.shdrs[t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC, make([]byte, 8))].Addralign = 3
		}, want: "alignment 3"},
		{name: "huge bss", before: func(t *template) {
			i := t.addSection(".bss", elf.SHT_NOBITS, elf.SHF_ALLOC|elf.SHF_WRITE, nil)
			t.shdrs[i].Size = MaxDataSize + 1
		}, want: "data sections total more than"},
		{name: "lddw of code address", before: func(t *template) {
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, ld(bpf.OpLDDW, bpf.R1))
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("f", elf.STT_FUNC, tText, 0), uint32(Rel64_64))})
		}, want: "address of code", unsupported: true},
		{name: "lddw of extern variable", before: func(t *template) {
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, ld(bpf.OpLDDW, bpf.R1))
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("ext", elf.STT_OBJECT, 0, 0), uint32(Rel64_64))})
		}, want: "undefined data symbol", unsupported: true},
		{name: "lddw of license", before: func(t *template) {
			l := t.addSection("license", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, []byte("GPL\x00"))
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, ld(bpf.OpLDDW, bpf.R1))
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("lic", elf.STT_OBJECT, l, 0), uint32(Rel64_64))})
		}, want: "does not load"},
		{name: "lddw past the end of data", before: func(t *template) {
			d := t.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, make([]byte, 8))
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, ld(bpf.OpLDDW, bpf.R1))
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, d, 9), uint32(Rel64_64))})
		}, want: `outside ".rodata"`},
		{name: "lddw at the last slot", before: func(t *template) {
			d := t.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, make([]byte, 8))
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, ld(bpf.OpLDDW, bpf.R1)[:8])
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, d, 0), uint32(Rel64_64))})
		}, want: "not an lddw"},
		{name: "pseudo lddw", before: func(t *template) {
			d := t.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, make([]byte, 8))
			code := ld(bpf.OpLDDW, bpf.R1)
			code[1] = 0x11 // src 1: a map fd
			s := t.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, code)
			t.addRel(s, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, d, 0), uint32(Rel64_64))})
		}, want: "lddw with src 1", unsupported: true},
		{name: "call into data", before: func(t *template) {
			d := t.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, make([]byte, 8))
			t.rels[0].Info = elf.R_INFO(t.addSym("x", elf.STT_FUNC, d, 0), uint32(Rel64_32))
		}, want: "call to a symbol outside the code"},
		{name: "call past the end of .text", before: func(t *template) {
			t.rels[0].Info = elf.R_INFO(t.addSym("f", elf.STT_NOTYPE, tText, 0), uint32(Rel64_32))
			binary.LittleEndian.PutUint32(t.data[tText][12:], 5) // byte offset (5+1)*8 = 48
		}, want: "call target 0x30"},
		{name: "function symbol outside its section", before: func(t *template) { t.addSym("f", elf.STT_FUNC, tText, 100) }, want: "function at offset 0x64"},
		{name: "pointer in bss", before: func(t *template) {
			b := t.addSection(".bss", elf.SHT_NOBITS, elf.SHF_ALLOC|elf.SHF_WRITE, nil)
			t.shdrs[b].Size = 16
			t.addRel(b, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, b, 0), uint32(RelAbs64))})
		}, want: "NOBITS"},
		{name: "pointer past the end", before: func(t *template) {
			d := t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, make([]byte, 12))
			t.addRel(d, elf.Rel64{Off: 8, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, d, 0), uint32(RelAbs64))})
		}, want: "field is outside the section"},
		{name: "function pointer in data", before: func(t *template) {
			d := t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, make([]byte, 8))
			t.addRel(d, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("f", elf.STT_FUNC, tText, 0), uint32(RelAbs64))})
		}, want: "address of code", unsupported: true},
		{name: "call relocation in data", before: func(t *template) {
			d := t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, make([]byte, 8))
			t.addRel(d, elf.Rel64{Off: 0, Info: elf.R_INFO(t.addSym("x", elf.STT_OBJECT, d, 0), uint32(Rel64_32))})
		}, want: "not valid in data"},
		{name: "overlapping pointers", before: func(t *template) {
			d := t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, make([]byte, 16))
			x := t.addSym("x", elf.STT_OBJECT, d, 0)
			t.addRel(d, elf.Rel64{Off: 0, Info: elf.R_INFO(x, uint32(RelAbs64))}, elf.Rel64{Off: 4, Info: elf.R_INFO(x, uint32(RelAbs32))})
		}, want: "overlap"},
		{name: "second symbol table", before: func(t *template) { t.addSection(".symtab2", elf.SHT_SYMTAB, 0, nil) }, want: "second symbol table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := buildTemplate(tc.before, tc.after)
			if tc.raw != nil {
				data = tc.raw(data)
			}
			o, err := Load(data)
			var lerr *Error
			if !errors.As(err, &lerr) {
				t.Fatalf("Load = %+v, %v; want an *Error", o, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if errors.Is(err, ErrUnsupported) != tc.unsupported {
				t.Errorf("errors.Is(%v, ErrUnsupported) = %v, want %v", err, !tc.unsupported, tc.unsupported)
			}
		})
	}
}

// TestTemplateAccepted covers relocations and sections that load.
func TestTemplateAccepted(t *testing.T) {
	t.Run("pointers", func(t *testing.T) {
		data := pointersTemplate()
		o, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkInvariants(o); err != nil {
			t.Fatal(err)
		}
		want := []bpf.Pointer{{Section: 1, Offset: 0, Size: 8, Target: 0}, {Section: 1, Offset: 8, Size: 4, Target: 0}}
		if len(o.Pointers) != 2 || o.Pointers[0] != want[0] || o.Pointers[1] != want[1] {
			t.Errorf("Pointers = %+v, want %+v", o.Pointers, want)
		}
		// REL: the addend is in the field; the result is symbol value + addend.
		if got := o.Data[1].Contents; !bytes.Equal(got, []byte{4, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0}) {
			t.Errorf(".data = %v", got)
		}
		linked, err := o.LinkData([]uint64{0x1000, 0x2000})
		if err != nil || leUint(linked[1][:8]) != 0x1004 || leUint(linked[1][8:]) != 0x1006 {
			t.Errorf("LinkData = %x, %v", linked, err)
		}
		if len(o.Data) != 2 {
			t.Errorf("Data = %+v, want .rodata and .data only", o.Data)
		}
	})
	t.Run("too many sections", func(t *testing.T) {
		data := buildTemplate(func(t *template) {
			for len(t.shdrs) <= MaxSections {
				t.add("", elf.Section64{Type: uint32(elf.SHT_NOTE)}, nil)
			}
		}, nil)
		if _, err := Load(data); err == nil || !strings.Contains(err.Error(), "sections, more than") {
			t.Errorf("Load with %d sections: %v", MaxSections+1, err)
		}
	})
}

// pointersTemplate is the template plus .rodata, .data holding an ABS64 and
// an ABS32 pointer into it (and an R_BPF_NONE), debug info and a license.
func pointersTemplate() []byte {
	return buildTemplate(func(t *template) {
		ro := t.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, []byte("0123456789"))
		d := t.addSection(".data", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_WRITE, []byte{3, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0})
		x := t.addSym("ro", elf.STT_OBJECT, ro, 1)
		t.addRel(d, elf.Rel64{Off: 8, Info: elf.R_INFO(x, uint32(RelAbs32))}, elf.Rel64{Off: 0, Info: elf.R_INFO(x, uint32(RelAbs64))},
			elf.Rel64{Off: 0, Info: elf.R_INFO(x, uint32(RelNone))})
		t.addSection(".debug_info", elf.SHT_PROGBITS, 0, []byte{1, 2, 3})
		t.addSection("license", elf.SHT_PROGBITS, elf.SHF_ALLOC, []byte("GPL\x00"))
	}, nil)
}
