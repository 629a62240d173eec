#include "textflag.h"

// func enter(base unsafe.Pointer, code uintptr)
//
// enter calls generated code with RBP = base (the cage base, which also
// locates the abi.State) and nothing else set up: the
// generated entry stub loads the guest registers from ctx and jumps to the
// resume point; the generated exit stub stores them back and RETs here.
// Generated code must leave RSP as it found it and uses no stack besides
// the return address of this CALL. It may clobber every general-purpose
// register: R14 (g) and R15 are restored here, RBP by the frame epilogue,
// and the ABI wrapper treats all others as clobbered.
TEXT ·enter(SB), NOSPLIT, $16-16
	MOVQ R14, 0(SP)
	MOVQ R15, 8(SP)
	MOVQ base+0(FP), BP
	MOVQ code+8(FP), AX
	CALL AX
	MOVQ 0(SP), R14
	MOVQ 8(SP), R15
	RET
