package elfload

import "fmt"

// RelocType is the type of a BPF ELF relocation, the low 32 bits of
// r_info. debug/elf knows EM_BPF but not these; the values are LLVM's
// (llvm/BinaryFormat/ELFRelocs/BPF.def) and the kernel's
// Documentation/bpf/llvm_reloc.rst:
//
//	type               where        field          value
//	R_BPF_64_64        lddw         imm of both    S + A
//	R_BPF_64_ABS64     data         64 bits        S + A
//	R_BPF_64_ABS32     data         32 bits        S + A
//	R_BPF_64_NODYLD32  .BTF[.ext]   32 bits        S + A
//	R_BPF_64_32        call         imm            (S + A) / 8 - 1
//
// With SHT_REL (what clang emits) the addend A is read from the field
// itself; for a call, imm = A/8 - 1, so A = (imm + 1) * 8.
type RelocType uint32

// BPF relocation types.
const (
	RelNone     RelocType = 0
	Rel64_64    RelocType = 1
	RelAbs64    RelocType = 2
	RelAbs32    RelocType = 3
	RelNoDyld32 RelocType = 4
	Rel64_32    RelocType = 10
)

// String returns the relocation's ELF name, e.g. "R_BPF_64_64".
func (t RelocType) String() string {
	switch t {
	case RelNone:
		return "R_BPF_NONE"
	case Rel64_64:
		return "R_BPF_64_64"
	case RelAbs64:
		return "R_BPF_64_ABS64"
	case RelAbs32:
		return "R_BPF_64_ABS32"
	case RelNoDyld32:
		return "R_BPF_64_NODYLD32"
	case Rel64_32:
		return "R_BPF_64_32"
	}
	return fmt.Sprintf("R_BPF(%d)", uint32(t))
}
