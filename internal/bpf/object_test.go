package bpf

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseEntryName(t *testing.T) {
	for _, tc := range []struct {
		section string
		kind    EntryKind
		name    string
		bad     bool
	}{
		{section: ".text", kind: EntryNone},
		{section: "xdp", kind: EntryNone},
		{section: "zeroserve.request", kind: EntryRequest},
		{section: "zeroserve.tls", kind: EntryTLS},
		{section: "zeroserve.tls.request", kind: EntryTLSRequest},
		{section: "zeroserve.call.auth", kind: EntryCall, name: "auth"},
		{section: "zeroserve.call.a.b", kind: EntryCall, name: "a.b"},
		{section: "zeroserve.init.acme_config", kind: EntryInit, name: "acme_config"},
		{section: "zeroserve.call.", bad: true},
		{section: "zeroserve.init.", bad: true},
		{section: "zeroserve.reqest", bad: true},
		{section: "zeroserve.", bad: true},
		{section: "zeroserve.call", bad: true},
	} {
		kind, name, err := ParseEntryName(tc.section)
		if (err != nil) != tc.bad {
			t.Errorf("ParseEntryName(%q) error = %v, want error %v", tc.section, err, tc.bad)
			continue
		}
		if kind != tc.kind || name != tc.name {
			t.Errorf("ParseEntryName(%q) = %v, %q; want %v, %q", tc.section, kind, name, tc.kind, tc.name)
		}
	}
	if got := EntryTLSRequest.String(); got != "tls.request" {
		t.Errorf("EntryTLSRequest.String() = %q", got)
	}
	if got := EntryKind(42).String(); got != "EntryKind(42)" {
		t.Errorf("EntryKind(42).String() = %q", got)
	}
}

func testObject() *Object {
	return &Object{
		Insns: []Instruction{
			{OpCode: OpLDDW, Dst: R1, Imm: 3}, {Imm: 0},
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpCall)), Src: CallHelper, Imm: 1},
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpCall)), Src: CallHelper, Imm: 0},
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpExit))},
		},
		Sections: []CodeSection{{Name: "zeroserve.request", Kind: EntryRequest, Start: 0, Len: 5}},
		Data: []DataSection{
			{Name: ".rodata", Size: 8, Align: 1, Contents: []byte("abcdefg\x00")},
			{Name: ".data", Size: 12, Align: 8, Writable: true, Contents: []byte{2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0}},
		},
		Helpers:     []string{"zs_log", "memcpy"},
		HelperCalls: []HelperCall{{Slot: 2, Name: "memcpy"}, {Slot: 3, Name: "zs_log"}},
		DataRefs:    []DataRef{{Slot: 0, Section: 0, Offset: 3}},
		Pointers:    []Pointer{{Section: 1, Offset: 0, Size: 8, Target: 0}, {Section: 1, Offset: 8, Size: 4, Target: 0}},
	}
}

func TestLink(t *testing.T) {
	o := testObject()
	ids := map[string]int32{"zs_log": 70, "memcpy": 9}
	insns, err := o.Link([]uint64{0x1_0000_0100, 0x2000}, func(name string) (int32, bool) {
		id, ok := ids[name]
		return id, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	if insns[0].Imm != 0x103 || insns[1].Imm != 1 {
		t.Errorf("lddw imm = %#x, %#x; want 0x103, 1", insns[0].Imm, insns[1].Imm)
	}
	if insns[2].Imm != 9 || insns[3].Imm != 70 {
		t.Errorf("helper imms = %d, %d; want 9, 70", insns[2].Imm, insns[3].Imm)
	}
	if o.Insns[2].Imm != 1 || o.Insns[0].Imm != 3 {
		t.Error("Link modified the Object")
	}
	_, err = o.Link([]uint64{0, 0}, func(string) (int32, bool) { return 0, false })
	if !errors.Is(err, ErrUnknownHelper) {
		t.Errorf("unknown helper: err = %v", err)
	}
	if _, err := o.Link(nil, nil); err == nil {
		t.Error("Link with too few data addresses succeeded")
	}
	// An inconsistent Object (not from elfload) is an error, not a panic.
	resolve := func(string) (int32, bool) { return 1, true }
	bad := testObject()
	bad.HelperCalls[0].Slot = 99
	if _, err := bad.Link([]uint64{0, 0}, resolve); err == nil {
		t.Error("helper call slot out of range: no error")
	}
	bad = testObject()
	bad.Insns[2].Imm = 7
	if _, err := bad.Link([]uint64{0, 0}, resolve); err == nil {
		t.Error("helper index out of range: no error")
	}
	bad = testObject()
	bad.DataRefs[0].Slot = 4
	if _, err := bad.Link([]uint64{0, 0}, resolve); err == nil {
		t.Error("lddw in the last slot: no error")
	}
}

func TestLinkData(t *testing.T) {
	o := testObject()
	data, err := o.LinkData([]uint64{0x1000, 0x2000})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{[]byte("abcdefg\x00"), {0x02, 0x10, 0, 0, 0, 0, 0, 0, 0x05, 0x10, 0, 0}}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("LinkData = %x, want %x", data, want)
	}
	if o.Data[1].Contents[1] != 0 {
		t.Error("LinkData modified the Object")
	}
	if _, err := o.LinkData([]uint64{1 << 32, 0}); err == nil {
		t.Error("32-bit pointer overflow not reported")
	}
	for _, p := range []Pointer{{Section: 1, Offset: 9, Size: 4}, {Section: 2, Size: 8}, {Section: 1, Size: 2}, {Section: 1, Target: -1, Size: 8}, {Section: 0, Offset: 1 << 63, Size: 8}} {
		bad := testObject()
		bad.Pointers = []Pointer{p}
		if _, err := bad.LinkData([]uint64{0, 0}); err == nil {
			t.Errorf("pointer %+v: no error", p)
		}
	}
}

func TestObjectDisassemble(t *testing.T) {
	o := testObject()
	o.Funcs = []Func{{Name: "entry", Slot: 0}}
	got := o.Disassemble()
	for _, want := range []string{
		"\nDisassembly of section zeroserve.request (entrypoint: request):\n",
		"\n0000000000000000 <entry>:\n",
		"\t\t0000000000000000:  R_BPF_64_64\t.rodata+0x3\n",
		"\tcall memcpy\n",
		"\tcall zs_log\n",
		"  .rodata                     8 bytes  align 1    read-only\n",
		"  .data                      12 bytes  align 8    writable\n",
		"  pointer at .data+0x8 (4 bytes) to .rodata\n",
		"\nHelpers: zs_log, memcpy\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Disassemble lacks %q:\n%s", want, got)
		}
	}
	// A local call shows its callee.
	call := &Object{
		Insns: []Instruction{
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpCall)), Src: CallLocal, Imm: 1},
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpExit))},
			{OpCode: OpCode(byte(ClassJMP) | byte(JumpExit))},
		},
		Sections: []CodeSection{{Name: ".text", Len: 3}},
		Funcs:    []Func{{Name: "main", Slot: 0}, {Name: "callee", Slot: 2}},
	}
	if got := call.Disassemble(); !strings.Contains(got, " <callee>\n") || !strings.Contains(got, "Disassembly of section .text:\n") {
		t.Errorf("local call:\n%s", got)
	}
	// An inconsistent Object prints, it does not panic.
	bad := testObject()
	bad.Sections = append(bad.Sections, CodeSection{Name: "x", Start: 3, Len: 9})
	bad.DataRefs[0].Section = 7
	bad.Pointers[0].Target = -1
	got = bad.Disassemble()
	for _, want := range []string{"section x: slots [3, 12) outside the 5-slot code", "<data section 7?>+0x3", "to <data section -1?>"} {
		if !strings.Contains(got, want) {
			t.Errorf("bad object: output lacks %q:\n%s", want, got)
		}
	}
}
