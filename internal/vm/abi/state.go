package abi

// State is the execution state of one run, laid out for machine code. The
// JIT reaches each field only through its Offset constant (checked against
// unsafe.Offsetof in state_test.go); the interpreter uses the same struct.
// Field order is part of the contract: do not reorder.
type State struct {
	// Regs are r0–r10 (OffsetRegs + 8*n). Machine code keeps them in host
	// registers and spills them here at every exit; Go writes r0 here after a
	// helper call and r1, r2, r10 before the first entry.
	Regs [11]uint64
	// CageBase is the host address of cage byte 0 (OffsetCageBase); written
	// by Go before entry, read by machine code for every access.
	CageBase uintptr
	// LoadMask is CageLayout.LoadMask (OffsetLoadMask); written by Go.
	LoadMask uint64
	// StoreMask is CageLayout.StoreMask (OffsetStoreMask); written by Go.
	StoreMask uint64
	// Fuel is what is left of the current fuel slice (OffsetFuel). Machine
	// code subtracts at back-edges and calls and exits with ExitFuel when it
	// goes below zero; Go refills it.
	Fuel int64
	// Exit is why machine code last returned to Go (OffsetExit); written by
	// machine code.
	Exit ExitCode
	// Resume is where to continue after an ExitHelper or ExitFuel
	// (OffsetResume): a native code address for a JIT, a slot index for the
	// interpreter. Written by the engine, read by it on re-entry.
	Resume uint64
	// Depth is the number of active local calls, 0 in the entry function
	// (OffsetDepth). Written by the engine.
	Depth uint64
	// HostSP is the Go stack pointer saved by the JIT entry trampoline
	// (OffsetHostSP); unused by the interpreter.
	HostSP uintptr
	// Frames saves, for each active local call, its return address and the
	// caller's r6–r9 (OffsetFrames + CallFrameSize*depth). Written on call,
	// read on exit, by the engine.
	Frames [MaxCallDepth]CallFrame
}

// CallFrame is the part of a local call the engine saves for the caller.
type CallFrame struct {
	Return uint64    // OffsetFrameReturn: slot index or native return address
	Saved  [4]uint64 // OffsetFrameSaved: the caller's r6–r9
}

// Offsets of State's fields, for machine code.
const (
	OffsetRegs        = 0
	OffsetCageBase    = 88
	OffsetLoadMask    = 96
	OffsetStoreMask   = 104
	OffsetFuel        = 112
	OffsetExit        = 120
	OffsetResume      = 128
	OffsetDepth       = 136
	OffsetHostSP      = 144
	OffsetFrames      = 152
	CallFrameSize     = 40
	OffsetFrameReturn = 0
	OffsetFrameSaved  = 8
	StateSize         = OffsetFrames + CallFrameSize*MaxCallDepth
)
