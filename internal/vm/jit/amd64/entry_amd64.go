package amd64

import "unsafe"

// enter runs generated machine code at address code with RBP = base; see
// entry_amd64.s for the contract. base must point to memory that stays
// alive and unmoved for the call (the cage's mapping).
//
//go:noescape
func enter(base unsafe.Pointer, code uintptr)
