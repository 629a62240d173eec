package amd64

import "unsafe"

// enter runs generated machine code at address code with RBP = ctx; see
// entry_amd64.s for the contract. ctx must point to memory that stays
// alive and unmoved for the call (a Go heap object is never moved).
//
//go:noescape
func enter(ctx unsafe.Pointer, code uintptr)
