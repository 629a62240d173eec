package helpers

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// MaxCallDepth bounds zs_call nesting: a request entry runs at depth 0, so
// MaxCallDepth-1 nested calls succeed and the next one gets -1.
const MaxCallDepth = 8

// InputHandle is the handle of a call section's input in the callee.
const InputHandle = 1

// Caller runs the call sections zs_call asks for (package script's Chain
// implements it; Exchange.Caller carries it to the helpers).
type Caller interface {
	// RunCall runs section "zeroserve.call.<fn>" of the script named
	// script on a context whose User is callee, with calldata and a fuel
	// budget, and returns r0 and the fuel left. An unknown script or
	// function is a *CallError; a trap is the run's error.
	RunCall(callee *Call, script, fn string, calldata []byte, fuel uint64) (r0, fuelLeft uint64, err error)
}

// CallError is a zs_call target that does not exist.
type CallError struct {
	Script, Func string
	Reason       string
}

// Error names the target.
func (e *CallError) Error() string {
	return fmt.Sprintf("zs_call %s/%s: %s", e.Script, e.Func, e.Reason)
}

// errCallResult is a callee that returned a negative value or no handle.
var errCallResult = errors.New("the callee returned no JSON handle")

// zsCall is zs_call(script, len, func, len, h) -> handle, or -1.
//
// It runs section zeroserve.call.<func> of the named script (with or
// without ".o") with a deep copy of h as its handle 1 (InputHandle),
// passed as calldata (the 8-byte little-endian handle, which
// ZS_CALL_ENTRY reads), and returns a deep copy of the handle the callee
// returns, as a new handle of the caller. The callee shares the request,
// its metadata, hooks and memory budget and the rest of the caller's fuel;
// it has its own handles and response slot (a response it makes is thrown away).
// The result is -1 when the script or section does not
// exist, the callee trapped (the error is logged) or returned a negative
// value or a value that is not one of its handles, or the call would be
// nested MaxCallDepth deep. An invalid input handle traps in the caller,
// and so does a copy that exceeds the memory budget.
func zsCall(c *vm.Context, script, scriptLen, fn, fnLen, h uint64) (uint64, error) {
	k, _, err := handleArg(c, h) // an invalid input traps, even at the depth limit
	if err != nil {
		return 0, err
	}
	name, err := guestText(c, script, scriptLen)
	if err != nil {
		return 0, err
	}
	f, err := guestText(c, fn, fnLen)
	if err != nil {
		return 0, err
	}
	if k.Ex.Caller == nil || k.depth+1 >= MaxCallDepth {
		return minusOne, nil
	}
	input, err := cloneArg(c, k, h)
	if err != nil {
		return 0, err
	}
	callee := &Call{Ex: k.Ex, Script: name, depth: k.depth + 1}
	if _, err := callee.objects.addTree(input); err != nil {
		return 0, err
	}
	var calldata [8]byte
	binary.LittleEndian.PutUint64(calldata[:], InputHandle)
	fuel := c.FuelLeft()
	caller := k.Ex.takeOutcome()
	r0, left, err := callee.runCall(name, f, calldata[:], fuel)
	own := k.Ex.takeOutcome() // thrown away (a file it opened is closed), but zs_abort stands
	own.release()
	if own.action == ActionAbort {
		caller.action = ActionAbort
	}
	k.Ex.setOutcome(caller)
	if cerr := c.Charge(fuel - left); cerr != nil {
		return 0, cerr
	}
	var out *jsonRef
	if err == nil {
		if int64(r0) <= 0 {
			err = errCallResult
		} else if out, err = callee.objects.lookup(r0); err != nil {
			err = fmt.Errorf("%w: %v", errCallResult, err)
		}
	}
	if err != nil {
		if k.Ex.Log != nil {
			k.Ex.Log(k.Script, fmt.Sprintf("zs_call %s/%s failed: %v", name, f, err))
		}
		return minusOne, nil
	}
	used := k.Ex.Mem.Used
	result, err := out.node.clone(k.Ex.budget())
	if err != nil {
		return 0, err
	}
	if err := chargeSince(c, k, used); err != nil {
		return 0, err
	}
	return k.objects.addTree(result)
}
