// Package bpf is the eBPF instruction set of RFC 9669: opcodes, registers,
// the 8-byte instruction slot, its encoding and decoding. It imports nothing
// of zeroserve and knows nothing of ELF files or of how programs run.
package bpf

import (
	"encoding/binary"
	"fmt"
)

// Register is an eBPF register number, R0 to R10.
type Register uint8

// The eBPF registers. R0 holds return values, R1–R5 arguments, R6–R9 are
// callee-saved, R10 is the read-only frame pointer.
const (
	R0 Register = iota
	R1
	R2
	R3
	R4
	R5
	R6
	R7
	R8
	R9
	R10
)

// SlotSize is the size in bytes of one instruction slot.
const SlotSize = 8

// Instruction is one 8-byte instruction slot, decoded but not interpreted:
//
//	 msb                                                        lsb
//	+------------------------+----------------+----+----+--------+
//	|immediate (32)          |offset (16)     |src |dst |opcode  |
//	+------------------------+----------------+----+----+--------+
//
// The wide instruction lddw (OpLDDW) takes two slots; the second slot is an
// Instruction whose OpCode, Dst, Src and Offset are zero and whose Imm holds
// the upper 32 bits. Jump offsets count slots, so programs are kept as a
// slice of slots, exactly as they are laid out in memory.
type Instruction struct {
	OpCode OpCode
	Dst    Register
	Src    Register
	Offset int16
	Imm    int32
}

// Decode reads one instruction slot from the first 8 bytes of b
// (little-endian, dst in the low nibble of the register byte).
func Decode(b []byte) Instruction {
	_ = b[7]
	return Instruction{
		OpCode: OpCode(b[0]),
		Dst:    Register(b[1] & 0x0f),
		Src:    Register(b[1] >> 4),
		Offset: int16(binary.LittleEndian.Uint16(b[2:])),
		Imm:    int32(binary.LittleEndian.Uint32(b[4:])),
	}
}

// Append appends the 8-byte encoding of ins to dst.
func (ins Instruction) Append(dst []byte) []byte {
	dst = append(dst, byte(ins.OpCode), byte(ins.Dst&0x0f)|byte(ins.Src<<4))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(ins.Offset))
	return binary.LittleEndian.AppendUint32(dst, uint32(ins.Imm))
}

// DecodeProgram splits code into instruction slots. Its length must be a
// multiple of SlotSize.
func DecodeProgram(code []byte) ([]Instruction, error) {
	if len(code)%SlotSize != 0 {
		return nil, fmt.Errorf("code length %d is not a multiple of %d", len(code), SlotSize)
	}
	insns := make([]Instruction, len(code)/SlotSize)
	for i := range insns {
		insns[i] = Decode(code[i*SlotSize:])
	}
	return insns, nil
}

// EncodeProgram is the inverse of DecodeProgram.
func EncodeProgram(insns []Instruction) []byte {
	out := make([]byte, 0, len(insns)*SlotSize)
	for _, ins := range insns {
		out = ins.Append(out)
	}
	return out
}
