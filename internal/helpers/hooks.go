package helpers

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// Hook is a response hook a script registered with zs_res_hook: the call
// section Func of Script, run with a copy of Input as handle 1 once the
// response's status and header are known (RunHooks).
type Hook struct {
	Script, Func string
	input        *jsonNode
}

// HookResponse is the response that hooks see and may change: its status
// and header before they are written. ContinueRequest is set by
// zs_res_continue_request: the server then throws the response away and
// runs the request middleware again with the same request and metadata.
type HookResponse struct {
	Status          int
	Header          []Field
	ContinueRequest bool
}

// errNotInHook is a hook-phase helper called outside a response hook.
var errNotInHook = fmt.Errorf("helper may only be called from a response hook")

// RunHooks runs the hooks registered for ex, in order, against res, with
// a fuel budget shared by all of them, and returns the fuel left. It needs
// ex.Caller (set by the chain's Run).
//
// A hook whose script or function is missing, or that traps, is logged
// (ex.Log) and skipped, and a trap rolls res back to its state before that
// hook. A final status outside 100..999 is ignored (res keeps the status
// before that hook). Hooks registered while hooks run are discarded. The
// server calls RunHooks after the response status and header are known and
// before it writes them, for every kind of response, then writes res (or
// re-runs the request when res.ContinueRequest is set).
func RunHooks(ex *Exchange, res *HookResponse, fuel uint64) uint64 {
	hooks := ex.Hooks
	ex.Hooks = nil
	defer func() { ex.Hooks = nil }()
	for _, h := range hooks {
		if ex.Caller == nil {
			break
		}
		saved := HookResponse{Status: res.Status, Header: slices.Clone(res.Header), ContinueRequest: res.ContinueRequest}
		k := &Call{Ex: ex, Script: h.Script, depth: 1, res: res}
		input, err := h.input.clone(ex.budget())
		if err == nil {
			_, err = k.objects.addTree(input)
		}
		var left uint64
		if err == nil {
			var calldata [8]byte
			binary.LittleEndian.PutUint64(calldata[:], InputHandle)
			_, left, err = k.runCall(h.Script, h.Func, calldata[:], fuel)
			fuel = left
		}
		if err != nil {
			*res = saved
			if ex.Log != nil {
				ex.Log(h.Script, fmt.Sprintf("response hook %s/%s failed: %v", h.Script, h.Func, err))
			}
			continue
		}
		if res.Status < 100 || res.Status > 999 {
			res.Status = saved.Status
		}
	}
	return fuel
}

// runCall runs a call section with k as its Call (for zs_call and hooks),
// keeping the caller's response slot: a response made by the callee is
// thrown away. A zs_abort in the callee stands.
func (k *Call) runCall(script, fn string, calldata []byte, fuel uint64) (uint64, uint64, error) {
	action, resp := k.Ex.Action, k.Ex.Response
	k.Ex.Action, k.Ex.Response = ActionNone, Response{}
	r0, left, err := k.Ex.Caller.RunCall(k, script, fn, calldata, fuel)
	k.FlushLog()
	if k.Ex.Action != ActionAbort {
		k.Ex.Action = action
	}
	k.Ex.Response = resp
	return r0, left, err
}

// zsResHook is zs_res_hook(script, len, func, len, h) -> 0: register a
// response hook running func of script (the current script when empty)
// with a copy of h. An empty func traps.
func zsResHook(c *vm.Context, script, scriptLen, fn, fnLen, h uint64) (uint64, error) {
	k, err := current(c)
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
	if f == "" {
		return 0, fmt.Errorf("zs_res_hook: empty function name")
	}
	if name == "" {
		name = k.Script
	}
	input, err := cloneArg(c, k, h)
	if err != nil {
		return 0, err
	}
	k.Ex.Hooks = append(k.Ex.Hooks, Hook{Script: name, Func: f, input: input})
	return 0, nil
}

// zsResHooksClear is zs_res_hooks_clear() -> 0: drop every registered hook.
func zsResHooksClear(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	k.Ex.Hooks = nil
	return 0, nil
}

// hookResponse returns the response of the running hook, or traps.
func hookResponse(c *vm.Context) (*HookResponse, error) {
	k, err := current(c)
	if err != nil {
		return nil, err
	}
	if k.res == nil {
		return nil, errNotInHook
	}
	return k.res, nil
}

// zsResStatus is zs_res_status() -> the response status (hooks only).
func zsResStatus(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	res, err := hookResponse(c)
	if err != nil {
		return 0, err
	}
	return uint64(res.Status), nil
}

// zsResSetStatus is zs_res_set_status(status) -> 0 (hooks only); a status
// outside 100..999 traps.
func zsResSetStatus(c *vm.Context, status, _, _, _, _ uint64) (uint64, error) {
	res, err := hookResponse(c)
	if err != nil {
		return 0, err
	}
	if status < 100 || status > 999 {
		return 0, fmt.Errorf("zs_res_set_status: status %d outside 100..999", int64(status))
	}
	res.Status = int(status)
	return 0, nil
}

// zsResHeader is zs_res_header(name, len, out, out_len) -> length by the
// string-out rule: the first value of a response header (name
// case-insensitive, trimmed), or "" (hooks only). An empty name traps.
func zsResHeader(c *vm.Context, name, nameLen, out, outLen, _ uint64) (uint64, error) {
	res, err := hookResponse(c)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, name, nameLen)
	if err != nil {
		return 0, err
	}
	if s = strings.TrimSpace(s); s == "" {
		return 0, fmt.Errorf("zs_res_header: empty name")
	}
	for _, f := range res.Header {
		if strings.EqualFold(f.Name, s) {
			return writeString(c, out, outLen, f.Value)
		}
	}
	return writeString(c, out, outLen, "")
}

// zsResContinueRequest is zs_res_continue_request() -> 0 (hooks only):
// throw the response away and run the request middleware again.
func zsResContinueRequest(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	res, err := hookResponse(c)
	if err != nil {
		return 0, err
	}
	res.ContinueRequest = true
	return 0, nil
}
