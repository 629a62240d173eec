package bpf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Object is a BPF program as plain data: what an ELF object (from clang or
// from the Caddy compiler) holds once its sections are laid out and its
// relocations are read, before anything about the machine that runs it is
// known. The same input gives an equal Object on any machine, so tests
// compare Objects directly. Validation, data layout in guest memory, helper
// ids and the JIT all happen later, in the VM.
//
// Code. Every executable section is copied into one code image, Insns, in
// the order of the ELF section headers; Sections says where each one
// starts. Because all code lives in one image, a local call (a call with Src
// CallLocal) may target any section: its Imm is already the slot offset
// from the instruction after the call to the callee, as RFC 9669 defines
// it.
//
// Helper calls. A call with Src CallHelper has Imm = the index of the
// helper's name in Helpers (not a helper id). HelperCalls lists every such
// slot with the name. The VM resolves names to ids with Link.
//
// Data references. An lddw with an entry in DataRefs loads the address of a
// data section plus an offset. In Insns its 64-bit immediate (Imm of the
// slot and of the next slot) holds only the offset inside the section, and
// Src is 0; the VM adds the guest address it gives that section (Link).
// Pointers stored inside data (for example `const char *names[]`) follow
// the same rule: the field in Contents holds the offset inside the target
// section and Pointers says where it is; LinkData adds the base.
type Object struct {
	// Insns is the linked code image: all executable sections, one
	// instruction slot per element (an lddw takes two).
	Insns []Instruction
	// Sections are the executable sections in image order, each with at
	// least one instruction (empty ones, like the .text clang always
	// emits, are left out). Entrypoints are the sections whose Kind is not
	// EntryNone.
	Sections []CodeSection
	// Funcs are the function symbols (STT_FUNC) defined in code, by slot,
	// in image order. The disassembler uses them as labels.
	Funcs []Func
	// Data are the allocated data sections (.rodata*, .data*, .bss*, …) in
	// ELF section order. DataRef.Section and Pointer.Section index it.
	Data []DataSection
	// Helpers are the names of the external functions the code calls, in
	// order of first use; the Imm of a helper call indexes it. memcpy and
	// memset are helpers like any other.
	Helpers []string
	// HelperCalls lists every helper call slot, in slot order.
	HelperCalls []HelperCall
	// DataRefs lists every lddw that loads a data address, in slot order.
	DataRefs []DataRef
	// Pointers lists every address stored inside a data section, ordered
	// by section then offset.
	Pointers []Pointer
}

// CodeSection is one executable section inside Object.Insns.
type CodeSection struct {
	// Name is the ELF section name, e.g. "zeroserve.request" or ".text".
	Name string
	// Kind is the entrypoint kind its name gives; EntryNone for .text and
	// other code that is only called.
	Kind EntryKind
	// Start is the slot of its first instruction in Object.Insns.
	Start int
	// Len is its length in slots.
	Len int
}

// Func is a function symbol: a name for the slot where a function begins.
type Func struct {
	Name string
	Slot int
}

// DataSection is one allocated, non-executable ELF section.
type DataSection struct {
	// Name is the ELF section name, e.g. ".rodata.str1.1", ".data", ".bss".
	Name string
	// Size is its size in bytes. For NOBITS sections (.bss) there are no
	// Contents and the memory starts zeroed.
	Size uint64
	// Align is the section's required alignment in bytes (at least 1).
	Align uint64
	// Writable is set for sections with SHF_WRITE (.data, .bss): each
	// execution gets its own copy, starting from Contents.
	Writable bool
	// Contents are the initial bytes (len == Size), or nil for NOBITS.
	// Fields listed in Object.Pointers hold offsets, not addresses.
	Contents []byte
}

// HelperCall is a call to an external function, resolved by name.
type HelperCall struct {
	// Slot is the call instruction's index in Object.Insns.
	Slot int
	// Name is the symbol name, as in sdk/zeroserve.h (e.g. "zs_log").
	Name string
}

// DataRef is an lddw that loads the address Section's base + Offset.
type DataRef struct {
	// Slot is the index of the lddw's first slot in Object.Insns.
	Slot int
	// Section indexes Object.Data.
	Section int
	// Offset is the byte offset inside the section (symbol value plus
	// addend); it is at most the section's size.
	Offset uint64
}

// Pointer is an address stored in data: Size bytes (8 for R_BPF_64_ABS64,
// 4 for R_BPF_64_ABS32, little-endian) at Offset in Data[Section] that must
// hold Data[Target]'s base plus the value found there.
type Pointer struct {
	Section int
	Offset  uint64
	Size    int
	Target  int
}

// EntryKind says how the server runs a code section, from its name.
type EntryKind uint8

// Entrypoint kinds, by section name (original-zeroserve.md §1.1).
const (
	EntryNone       EntryKind = iota // .text or any other called-only code
	EntryRequest                     // "zeroserve.request": once per request
	EntryCall                        // "zeroserve.call.<name>": zs_call and response hooks
	EntryTLS                         // "zeroserve.tls": once per TLS ClientHello
	EntryTLSRequest                  // "zeroserve.tls.request": before the request sections
	EntryInit                        // "zeroserve.init.<name>": once at load time
)

var entryKindNames = [...]string{"none", "request", "call", "tls", "tls.request", "init"}

// String returns the kind's name as in the section name ("call", "tls.request").
func (k EntryKind) String() string {
	if int(k) < len(entryKindNames) {
		return entryKindNames[k]
	}
	return fmt.Sprintf("EntryKind(%d)", uint8(k))
}

// EntryPrefix is the prefix of every entrypoint section name.
const EntryPrefix = "zeroserve."

// ParseEntryName returns the entrypoint kind of a section name and, for
// call and init sections, the name after the kind ("foo" in
// "zeroserve.call.foo"). Names outside EntryPrefix give EntryNone. A name
// inside EntryPrefix that is not one of the five forms, or a call/init
// section with an empty name, gives an error.
func ParseEntryName(section string) (EntryKind, string, error) {
	rest, ok := strings.CutPrefix(section, EntryPrefix)
	if !ok {
		return EntryNone, "", nil
	}
	switch rest {
	case "request":
		return EntryRequest, "", nil
	case "tls":
		return EntryTLS, "", nil
	case "tls.request":
		return EntryTLSRequest, "", nil
	}
	for _, k := range [...]EntryKind{EntryCall, EntryInit} {
		if name, ok := strings.CutPrefix(rest, k.String()+"."); ok {
			if name == "" {
				return EntryNone, "", fmt.Errorf("section %q: empty %s name", section, k)
			}
			return k, name, nil
		}
	}
	return EntryNone, "", fmt.Errorf("section %q: unknown entrypoint kind (want %srequest, call.<name>, tls, tls.request or init.<name>)", section, EntryPrefix)
}

// Section returns the code section with the given name.
func (o *Object) Section(name string) (CodeSection, bool) {
	for _, s := range o.Sections {
		if s.Name == name {
			return s, true
		}
	}
	return CodeSection{}, false
}

// ErrUnknownHelper is returned (wrapped) by Link for a helper name the
// resolver does not know.
var ErrUnknownHelper = errors.New("unknown helper")

// Link returns a copy of Insns ready to run: every helper call's Imm is
// replaced by helperID(name), and every DataRef's lddw by dataAddr[Section]
// + Offset. dataAddr must have one guest address per Data section.
func (o *Object) Link(dataAddr []uint64, helperID func(name string) (int32, bool)) ([]Instruction, error) {
	if len(dataAddr) != len(o.Data) {
		return nil, fmt.Errorf("link: %d data addresses for %d data sections", len(dataAddr), len(o.Data))
	}
	ids := make([]int32, len(o.Helpers))
	for i, name := range o.Helpers {
		id, ok := helperID(name)
		if !ok {
			return nil, fmt.Errorf("link: %w %q", ErrUnknownHelper, name)
		}
		ids[i] = id
	}
	insns := append([]Instruction(nil), o.Insns...)
	for _, hc := range o.HelperCalls {
		if hc.Slot < 0 || hc.Slot >= len(insns) || insns[hc.Slot].Imm < 0 || int(insns[hc.Slot].Imm) >= len(ids) {
			return nil, fmt.Errorf("link: helper call %+v: slot or helper index out of range", hc)
		}
		insns[hc.Slot].Imm = ids[insns[hc.Slot].Imm]
	}
	for _, ref := range o.DataRefs {
		if ref.Slot < 0 || ref.Slot+1 >= len(insns) || ref.Section < 0 || ref.Section >= len(o.Data) {
			return nil, fmt.Errorf("link: data reference %+v: slot or section out of range", ref)
		}
		addr := dataAddr[ref.Section] + ref.Offset
		insns[ref.Slot].Imm = int32(uint32(addr))
		insns[ref.Slot+1].Imm = int32(uint32(addr >> 32))
	}
	return insns, nil
}

// LinkData returns copies of every data section's initial contents (nil for
// NOBITS) with each Pointer's field set to dataAddr[Target] plus the offset
// stored there. A 4-byte field whose address does not fit in 32 bits is an
// error.
func (o *Object) LinkData(dataAddr []uint64) ([][]byte, error) {
	if len(dataAddr) != len(o.Data) {
		return nil, fmt.Errorf("link data: %d data addresses for %d data sections", len(dataAddr), len(o.Data))
	}
	out := make([][]byte, len(o.Data))
	for i, d := range o.Data {
		if d.Contents != nil {
			out[i] = append([]byte(nil), d.Contents...)
		}
	}
	for _, p := range o.Pointers {
		if p.Section < 0 || p.Section >= len(out) || p.Target < 0 || p.Target >= len(out) || (p.Size != 4 && p.Size != 8) ||
			p.Offset > uint64(len(out[p.Section])) || uint64(len(out[p.Section]))-p.Offset < uint64(p.Size) {
			return nil, fmt.Errorf("link data: pointer %+v out of range", p)
		}
		field := out[p.Section][p.Offset : p.Offset+uint64(p.Size)]
		var v uint64
		for i := p.Size - 1; i >= 0; i-- {
			v = v<<8 | uint64(field[i])
		}
		v += dataAddr[p.Target]
		if p.Size == 4 && v > 0xffffffff {
			return nil, fmt.Errorf("link data: %s+%#x: address %#x does not fit in 32 bits", o.Data[p.Section].Name, p.Offset, v)
		}
		for i := range p.Size {
			field[i] = byte(v >> (8 * i))
		}
	}
	return out, nil
}

// Disassemble prints every code section of o the way llvm-objdump
// -dr does: function labels, slot numbers relative to the section, helper
// calls by name ("call zs_log"), local calls with their callee, and a
// relocation line under each lddw of a data address. A summary of the data
// sections follows.
func (o *Object) Disassemble() string {
	labels := map[int]string{}
	for _, f := range o.Funcs {
		if _, ok := labels[f.Slot]; !ok {
			labels[f.Slot] = f.Name
		}
	}
	helpers := map[int]string{}
	for _, hc := range o.HelperCalls {
		helpers[hc.Slot] = hc.Name
	}
	refs := map[int]DataRef{}
	for _, ref := range o.DataRefs {
		refs[ref.Slot] = ref
	}
	var b strings.Builder
	for _, s := range o.Sections {
		if s.Len == 0 {
			continue
		}
		fmt.Fprintf(&b, "\nDisassembly of section %s", s.Name)
		if s.Kind != EntryNone {
			fmt.Fprintf(&b, " (entrypoint: %s)", s.Kind)
		}
		if s.Start < 0 || s.Len > len(o.Insns)-s.Start {
			fmt.Fprintf(&b, ": slots [%d, %d) outside the %d-slot code\n", s.Start, s.Start+s.Len, len(o.Insns))
			continue
		}
		b.WriteString(":\n")
		text := Disassemble(o.Insns[s.Start : s.Start+s.Len])
		for line := range strings.Lines(text) {
			line = strings.TrimSuffix(line, "\n")
			colon := strings.IndexByte(line, ':')
			n, err := strconv.Atoi(strings.TrimSpace(line[:max(colon, 0)]))
			if colon < 0 || err != nil || n < 0 || n >= s.Len {
				b.WriteString(line + "\n")
				continue
			}
			slot := s.Start + n
			if name, ok := labels[slot]; ok {
				fmt.Fprintf(&b, "\n%016x <%s>:\n", n*SlotSize, name)
			}
			ins := o.Insns[slot]
			switch {
			case helpers[slot] != "":
				line = line[:strings.LastIndexByte(line, '\t')+1] + "call " + helpers[slot]
			case ins.OpCode.Class() == ClassJMP && ins.OpCode.JumpOp() == JumpCall && ins.Src == CallLocal:
				if name, ok := labels[slot+1+int(ins.Imm)]; ok {
					line += " <" + name + ">"
				}
			}
			b.WriteString(line + "\n")
			if ref, ok := refs[slot]; ok {
				fmt.Fprintf(&b, "\t\t%016x:  R_BPF_64_64\t%s+%#x\n", n*SlotSize, o.dataName(ref.Section), ref.Offset)
			}
		}
	}
	if len(o.Data) > 0 {
		b.WriteString("\nData sections:\n")
		for _, d := range o.Data {
			mode := "read-only"
			if d.Writable {
				mode = "writable"
			}
			if d.Contents == nil {
				mode += ", zeroed"
			}
			fmt.Fprintf(&b, "  %-20s %8d bytes  align %-4d %s\n", d.Name, d.Size, d.Align, mode)
		}
	}
	for _, p := range o.Pointers {
		fmt.Fprintf(&b, "  pointer at %s+%#x (%d bytes) to %s\n", o.dataName(p.Section), p.Offset, p.Size, o.dataName(p.Target))
	}
	if len(o.Helpers) > 0 {
		fmt.Fprintf(&b, "\nHelpers: %s\n", strings.Join(o.Helpers, ", "))
	}
	return b.String()
}

// dataName returns the name of data section i, or a placeholder if i is
// out of range.
func (o *Object) dataName(i int) string {
	if i < 0 || i >= len(o.Data) {
		return fmt.Sprintf("<data section %d?>", i)
	}
	return o.Data[i].Name
}
