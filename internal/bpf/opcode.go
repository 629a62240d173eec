package bpf

// OpCode is the first byte of an instruction. Its low three bits are the
// Class. For arithmetic and jump classes the byte is
//
//	+----------------+--------+--------------------+
//	|   code (4)     | src(1) |   class (3)        |
//	+----------------+--------+--------------------+
//
// and for load and store classes it is
//
//	+--------+--------+-------------------+
//	|mode (3)|size (2)|   class (3)       |
//	+--------+--------+-------------------+
type OpCode uint8

// Class is the instruction class, the low three bits of an OpCode.
type Class uint8

// Instruction classes (RFC 9669 §3).
const (
	ClassLD    Class = 0x00
	ClassLDX   Class = 0x01
	ClassST    Class = 0x02
	ClassSTX   Class = 0x03
	ClassALU   Class = 0x04
	ClassJMP   Class = 0x05
	ClassJMP32 Class = 0x06
	ClassALU64 Class = 0x07
)

// Source selects the second operand of arithmetic and jump instructions.
type Source uint8

// Operand sources.
const (
	SrcK Source = 0x00 // use the 32-bit immediate
	SrcX Source = 0x08 // use the src register
)

// ALUOp is the operation code of an ALU or ALU64 instruction (the high nibble).
type ALUOp uint8

// Arithmetic operations (RFC 9669 §4.1).
const (
	ALUAdd  ALUOp = 0x00
	ALUSub  ALUOp = 0x10
	ALUMul  ALUOp = 0x20
	ALUDiv  ALUOp = 0x30 // SDIV when Offset == 1
	ALUOr   ALUOp = 0x40
	ALUAnd  ALUOp = 0x50
	ALULsh  ALUOp = 0x60
	ALURsh  ALUOp = 0x70
	ALUNeg  ALUOp = 0x80
	ALUMod  ALUOp = 0x90 // SMOD when Offset == 1
	ALUXor  ALUOp = 0xa0
	ALUMov  ALUOp = 0xb0 // MOVSX when Offset is 8, 16 or 32
	ALUArsh ALUOp = 0xc0
	ALUEnd  ALUOp = 0xd0 // byte swap; Imm is 16, 32 or 64
)

// JumpOp is the operation code of a JMP or JMP32 instruction (the high nibble).
type JumpOp uint8

// Jump operations (RFC 9669 §4.3).
const (
	JumpJA   JumpOp = 0x00
	JumpJEQ  JumpOp = 0x10
	JumpJGT  JumpOp = 0x20
	JumpJGE  JumpOp = 0x30
	JumpJSET JumpOp = 0x40
	JumpJNE  JumpOp = 0x50
	JumpJSGT JumpOp = 0x60
	JumpJSGE JumpOp = 0x70
	JumpCall JumpOp = 0x80
	JumpExit JumpOp = 0x90
	JumpJLT  JumpOp = 0xa0
	JumpJLE  JumpOp = 0xb0
	JumpJSLT JumpOp = 0xc0
	JumpJSLE JumpOp = 0xd0
)

// Size is the access width of a load or store.
type Size uint8

// Access sizes.
const (
	SizeW  Size = 0x00 // 4 bytes
	SizeH  Size = 0x08 // 2 bytes
	SizeB  Size = 0x10 // 1 byte
	SizeDW Size = 0x18 // 8 bytes
)

// Mode is the addressing mode of a load or store.
type Mode uint8

// Addressing modes.
const (
	ModeIMM    Mode = 0x00
	ModeABS    Mode = 0x20
	ModeIND    Mode = 0x40
	ModeMEM    Mode = 0x60
	ModeMEMSX  Mode = 0x80
	ModeATOMIC Mode = 0xc0
)

// Call kinds, in the Src field of a call instruction.
const (
	CallHelper = 0 // imm is a helper id
	CallLocal  = 1 // imm is a slot offset relative to the next instruction
	CallBTF    = 2 // imm is a helper BTF id (not supported by zeroserve)
)

// Atomic operations, in the Imm field of an STX ATOMIC instruction.
const (
	AtomicAdd     = 0x00
	AtomicOr      = 0x40
	AtomicAnd     = 0x50
	AtomicXor     = 0xa0
	AtomicFetch   = 0x01
	AtomicXchg    = 0xe0 | AtomicFetch
	AtomicCmpXchg = 0xf0 | AtomicFetch
)

// OpLDDW is the opcode of the wide 64-bit immediate load.
const OpLDDW = OpCode(byte(ClassLD) | byte(SizeDW) | byte(ModeIMM))

// Class returns the instruction class.
func (op OpCode) Class() Class { return Class(op & 0x07) }

// Source returns the operand source bit of an arithmetic or jump opcode.
func (op OpCode) Source() Source { return Source(op & 0x08) }

// ALUOp returns the operation of an ALU or ALU64 opcode.
func (op OpCode) ALUOp() ALUOp { return ALUOp(op & 0xf0) }

// JumpOp returns the operation of a JMP or JMP32 opcode.
func (op OpCode) JumpOp() JumpOp { return JumpOp(op & 0xf0) }

// Size returns the access size of a load or store opcode.
func (op OpCode) Size() Size { return Size(op & 0x18) }

// Mode returns the addressing mode of a load or store opcode.
func (op OpCode) Mode() Mode { return Mode(op & 0xe0) }

// Bytes returns the number of bytes a Size accesses.
func (s Size) Bytes() int {
	switch s {
	case SizeW:
		return 4
	case SizeH:
		return 2
	case SizeB:
		return 1
	default:
		return 8
	}
}
