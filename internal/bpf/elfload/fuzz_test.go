package elfload

import (
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf"
)

// FuzzLoad checks that Load never panics and returns either an *Error or an
// Object that satisfies checkInvariants. The corpus starts from the clang
// fixtures and the uBPF-style template.
func FuzzLoad(f *testing.F) {
	objs, err := filepath.Glob(filepath.Join("testdata", "*.o"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range objs {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(buildTemplate(nil, nil))
	f.Add(pointersTemplate())
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Load(data)
		if err != nil {
			var lerr *Error
			if o != nil || !errors.As(err, &lerr) {
				t.Fatalf("Load = %v, %v (%T); want nil and an *Error", o, err, err)
			}
			return
		}
		if err := checkInvariants(o); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzLoadTemplate drives the relocation logic with structured input: the
// template gets a .rodata section, a second code section with an lddw and a
// call, and a symbol and relocations whose fields come from the fuzzer, so
// inputs reach the relocation checks instead of failing the ELF header.
func FuzzLoadTemplate(f *testing.F) {
	f.Add(uint64(0), uint32(Rel64_64), uint16(0), uint64(0), int32(0), uint64(16), uint32(Rel64_32), uint8(0x85), uint8(0x10), int32(-1))
	f.Add(uint64(8), uint32(RelAbs64), uint16(2), uint64(4), int32(3), uint64(17), uint32(Rel64_32), uint8(0x85), uint8(0x00), int32(2))
	f.Fuzz(func(t *testing.T, off1 uint64, typ1 uint32, shndx uint16, value uint64, imm int32, off2 uint64, typ2 uint32, op, regs uint8, callImm int32) {
		data := buildTemplate(func(tp *template) {
			tp.addSection(".rodata", elf.SHT_PROGBITS, elf.SHF_ALLOC, []byte("0123456789abcdef"))
			code := bpf.EncodeProgram([]bpf.Instruction{
				{OpCode: bpf.OpLDDW, Dst: bpf.R1, Imm: imm}, {},
				{OpCode: bpf.OpCode(op), Dst: bpf.Register(regs & 0xf), Src: bpf.Register(regs >> 4), Imm: callImm},
				{OpCode: bpf.OpCode(byte(bpf.ClassJMP) | byte(bpf.JumpExit))},
			})
			s := tp.addSection("zeroserve.request", elf.SHT_PROGBITS, elf.SHF_ALLOC|elf.SHF_EXECINSTR, code)
			section := int(shndx)
			if shndx < uint16(elf.SHN_LORESERVE) {
				section %= len(tp.shdrs) + 2 // existing sections, and two past the end
			}
			sym := tp.addSym("x", elf.STT_OBJECT, section, value)
			tp.addRel(s,
				elf.Rel64{Off: off1, Info: elf.R_INFO(sym, typ1)},
				elf.Rel64{Off: off2, Info: elf.R_INFO(uint32(shndx>>8), typ2)})
		}, nil)
		o, err := Load(data)
		if err != nil {
			var lerr *Error
			if o != nil || !errors.As(err, &lerr) {
				t.Fatalf("Load = %v, %v (%T); want nil and an *Error", o, err, err)
			}
			return
		}
		if err := checkInvariants(o); err != nil {
			t.Fatal(err)
		}
	})
}
