package script

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/bpf"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// DefaultFuel is the default fuel budget of one request, shared by every
// script the chain runs for it (see vm/abi/fuel.go for what fuel counts).
const DefaultFuel = 10_000_000

// Script is one loaded script.
type Script struct {
	// Name identifies the script: its file name without ".c" or ".o".
	Name string
	prog *vm.Program
	// entry indices in prog, or -1
	request, tlsRequest int
}

// Program returns the script's loaded program.
func (s *Script) Program() *vm.Program { return s.prog }

// Chain is the ordered list of scripts that serve requests. It is
// immutable once built and safe for concurrent use.
type Chain struct {
	scripts []*Script
}

// NewChain returns a chain of scripts in order.
func NewChain(scripts ...*Script) *Chain { return &Chain{scripts: scripts} }

// Scripts returns the chain's scripts in order.
func (ch *Chain) Scripts() []*Script { return ch.scripts }

// Find returns the first script named name, or name without ".o" or
// ".c" (a plugin's file name).
func (ch *Chain) Find(name string) (*Script, bool) {
	for _, n := range [...]string{name, strings.TrimSuffix(name, ".o"), strings.TrimSuffix(name, ".c")} {
		for _, s := range ch.scripts {
			if s.Name == n {
				return s, true
			}
		}
	}
	return nil, false
}

// CheckCall returns a *helpers.CallError when zs_call could not reach
// function fn of the script named script (see Find).
func (ch *Chain) CheckCall(script, fn string) error {
	_, _, err := ch.callEntry(script, fn)
	return err
}

// callEntry returns the script named script and the entry index of its
// section "zeroserve.call.<fn>", or a *helpers.CallError.
func (ch *Chain) callEntry(script, fn string) (*Script, int, error) {
	s, ok := ch.Find(script)
	if !ok {
		return nil, 0, &helpers.CallError{Script: script, Func: fn, Reason: "no such script"}
	}
	e, ok := s.prog.Entry(CallSection + fn)
	if !ok {
		return nil, 0, &helpers.CallError{Script: script, Func: fn, Reason: "the script has no section " + CallSection + fn}
	}
	return s, e, nil
}

// Close releases the scripts' programs.
func (ch *Chain) Close() {
	for _, s := range ch.scripts {
		s.prog.Close()
	}
}

// NewScript wraps a loaded program as a script called name.
func NewScript(name string, prog *vm.Program) *Script {
	s := &Script{Name: name, prog: prog, request: -1, tlsRequest: -1}
	for i, e := range prog.Entries() {
		switch e.Kind {
		case bpf.EntryRequest:
			s.request = i
		case bpf.EntryTLSRequest:
			s.tlsRequest = i
		}
	}
	return s
}

// RunError is a script that trapped while serving a request.
type RunError struct {
	Script  string
	Section string
	Err     error
}

// Error names the script and section.
func (e *RunError) Error() string {
	return fmt.Sprintf("script %q section %q failed: %v", e.Script, e.Section, e.Err)
}

// Unwrap returns the trap.
func (e *RunError) Unwrap() error { return e.Err }

// Run runs the chain for one request on ex with a fuel budget shared by
// all its scripts. It returns when a script decided the request
// (ex.Action), when every script ran, or with a *RunError when a script
// trapped (the server answers 500). It sets ex.Caller to ch, so zs_call
// reaches the chain's scripts.
func (ch *Chain) Run(ex *helpers.Exchange, fuel uint64) error {
	ex.Caller = ch
	for _, pass := range [...]struct {
		section string
		entry   func(*Script) int
	}{
		{"zeroserve.tls.request", func(s *Script) int { return s.tlsRequest }},
		{"zeroserve.request", func(s *Script) int { return s.request }},
	} {
		for _, s := range ch.scripts {
			e := pass.entry(s)
			if e < 0 {
				continue
			}
			left, err := s.run(ex, e, fuel)
			if err != nil {
				return &RunError{Script: s.Name, Section: pass.section, Err: err}
			}
			fuel = left
			if ex.Action != helpers.ActionNone {
				return nil
			}
		}
	}
	return nil
}

// run runs one entry of s for a request and returns the fuel left.
func (s *Script) run(ex *helpers.Exchange, entry int, fuel uint64) (uint64, error) {
	k := ex.RootCall(s.Name)
	_, left, err := s.runAs(k, entry, nil, fuel)
	k.FlushLog()
	return left, err
}

// runAs runs one entry of s on a pooled context whose User is k and
// returns r0 and the fuel left.
func (s *Script) runAs(k *helpers.Call, entry int, calldata []byte, fuel uint64) (uint64, uint64, error) {
	c, err := s.prog.Get()
	if err != nil {
		return 0, fuel, err
	}
	c.User = k
	r0, err := c.Run(entry, calldata, fuel)
	left := c.FuelLeft()
	s.prog.Put(c)
	return r0, left, err
}

// RunCall runs section "zeroserve.call.<fn>" of the script named script
// (with or without ".o") for zs_call: helpers.Caller.
func (ch *Chain) RunCall(callee *helpers.Call, script, fn string, calldata []byte, fuel uint64) (uint64, uint64, error) {
	s, e, err := ch.callEntry(script, fn)
	if err != nil {
		return 0, fuel, err
	}
	return s.runAs(callee, e, calldata, fuel)
}

// CallSection is the section name prefix of the functions zs_call runs.
const CallSection = "zeroserve.call."
