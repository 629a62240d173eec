package abi

import (
	"fmt"
	"math/bits"
)

// The cage is one power-of-two region per execution context. Guest
// addresses are offsets into it: a load reads base + (addr & LoadMask), a
// store writes base + (addr & StoreMask). Every masked address is mapped, so
// no access can fault (DESIGN §3, "a pointer cage without faults"):
//
//	0                        StackTop = DataAddr                  WritableSize
//	+------------------------+----------------------------------+...........+
//	| stack: 8 frames x 4 KiB| .data/.bss copies (if any)       | zero      |  writable,
//	| frame 0 at the top     |                                  |           |  cleared
//	+------------------------+----------------------------------+-----------+  every run
//	WritableSize  +StorePad       CalldataAddr        RODataAddr        Size      Size+TailPad
//	+-------------+---------------+-------------------+-----------------+---------+
//	| store pad   | (pad = 16)    | calldata (512)    | .rodata*, zero  |tail pad |
//	+-------------+---------------+-------------------+-----------------+---------+
//
// StoreMask = WritableSize-1 reaches only the writable region; an 8-byte
// store at StoreMask spills at most 7 bytes into the store pad, which is
// cleared with the writable region, so it can never change calldata or
// read-only data. LoadMask = Size-1 reaches the whole cage; an 8-byte load
// at LoadMask reads at most 7 bytes of the tail pad, which is mapped, zero
// and never written.
//
// The execution State (state.go) lives in the same mapping, at StateAddr =
// Size+TailPad: beyond every masked guest address (a load reaches at most
// Size+6), so the guest can neither read nor write it, while machine code
// reaches both the cage and the State from one base register.
//
// Calldata is read-only for the guest: Go copies it in before each run.
// Keeping it out of the writable region lets a program without writable data
// have a 32 KiB writable region (the stack alone), which halves the memory
// cleared per run (see the vm package's BenchmarkCageReset).
const (
	// StackFrameSize is the stack of one BPF function (one call frame).
	StackFrameSize = 4096
	// MaxCallDepth is the number of frames: the entry function plus up to
	// MaxCallDepth-1 nested local calls.
	MaxCallDepth = 8
	// StackSize is the whole stack.
	StackSize = StackFrameSize * MaxCallDepth
	// StackTop is r10 in the entry function; each local call moves r10 down
	// by StackFrameSize and its exit moves it back.
	StackTop = StackSize
	// DataAddr is where the program's writable data (.data, .bss) starts.
	DataAddr = StackTop
	// CalldataMax is the largest calldata a run accepts.
	CalldataMax = 512
	// StorePad is the cleared gap between writable memory and calldata.
	StorePad = 16
	// TailPad is the mapped, zero memory after the cage that absorbs loads
	// straddling LoadMask.
	TailPad = 4096
	// StatePage is the room for the execution State after the tail pad.
	StatePage = 4096
	// MaxCageSize bounds a cage (writable plus read-only data).
	MaxCageSize = 1 << 30
	// DataAlign is the alignment of the data and read-only data regions.
	DataAlign = 16
)

// CageLayout is the layout of one program's cage, derived from the sizes of
// its writable and read-only data by NewCageLayout.
type CageLayout struct {
	WritableSize uint64 // power of two; StoreMask+1
	Size         uint64 // power of two; LoadMask+1
	DataSize     uint64 // bytes of writable data at DataAddr
	CalldataAddr uint64 // CalldataMax bytes of read-only calldata; r1 at entry
	RODataAddr   uint64 // first byte of read-only data
	RODataSize   uint64 // bytes of read-only data
}

// NewCageLayout returns the smallest layout holding dataSize bytes of
// writable data and rodataSize bytes of read-only data whose start is
// aligned to roAlign (a power of two; at least DataAlign is used).
func NewCageLayout(dataSize, rodataSize, roAlign uint64) (CageLayout, error) {
	if dataSize > MaxCageSize || rodataSize > MaxCageSize || roAlign > MaxCageSize {
		return CageLayout{}, fmt.Errorf("cage: data (%d bytes) or read-only data (%d bytes, align %d) exceeds %d bytes", dataSize, rodataSize, roAlign, MaxCageSize)
	}
	w := pow2(DataAddr + alignUp(dataSize, DataAlign))
	cd := w + StorePad
	ro := alignUp(cd+CalldataMax, max(pow2(roAlign), DataAlign))
	size := pow2(ro + alignUp(rodataSize, DataAlign))
	if size > MaxCageSize {
		return CageLayout{}, fmt.Errorf("cage: %d bytes of data need a %d-byte cage, over the %d-byte limit", dataSize+rodataSize, size, MaxCageSize)
	}
	return CageLayout{WritableSize: w, Size: size, DataSize: dataSize, CalldataAddr: cd, RODataAddr: ro, RODataSize: rodataSize}, nil
}

// LoadMask is the mask applied to every load address.
func (l CageLayout) LoadMask() uint64 { return l.Size - 1 }

// StoreMask is the mask applied to every store address.
func (l CageLayout) StoreMask() uint64 { return l.WritableSize - 1 }

// ClearSize is how many bytes from address 0 are cleared before each run:
// the writable region and the store pad.
func (l CageLayout) ClearSize() uint64 { return l.WritableSize + StorePad }

// StateAddr is the offset of the execution State from the cage base: past
// the tail pad, out of every guest access's reach.
func (l CageLayout) StateAddr() uint64 { return l.Size + TailPad }

// MappedSize is how many bytes the cage's mapping must have: the cage, the
// tail pad and the State page.
func (l CageLayout) MappedSize() uint64 { return l.Size + TailPad + StatePage }

func alignUp(n, a uint64) uint64 { return (n + a - 1) &^ (a - 1) }

func pow2(n uint64) uint64 {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len64(n-1)
}
