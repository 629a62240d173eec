package helpers

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// MaxBodyBytes bounds a zs_respond body.
const MaxBodyBytes = 16 << 20

// zsRespond is zs_respond(status, body, len) -> 0: answer the request with
// an in-memory response. A status outside 100..999 traps, and so does a
// second response from the same request.
func zsRespond(c *vm.Context, status, body, bodyLen, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if status < 100 || status > 999 {
		return 0, fmt.Errorf("zs_respond: status %d outside 100..999", int64(status))
	}
	if k.Ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_respond: the request already has a response")
	}
	if bodyLen > MaxBodyBytes {
		return 0, fmt.Errorf("zs_respond: body of %d bytes over the %d-byte limit", bodyLen, MaxBodyBytes)
	}
	b, err := guestBytes(c, body, bodyLen)
	if err != nil {
		return 0, err
	}
	k.Ex.Response = Response{Status: int(status), Body: append(k.Ex.Response.Body[:0], b...)}
	k.Ex.Action = ActionRespond
	return 0, nil
}

// zsAbort is zs_abort() -> 0: close the connection without a response.
// It traps in a response hook.
func zsAbort(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if k.res != nil {
		return 0, fmt.Errorf("zs_abort: not allowed in a response hook")
	}
	k.Ex.Action = ActionAbort
	return 0, nil
}

// zsResponsePending is zs_response_pending() -> 0/1: whether the request
// already has a response.
func zsResponsePending(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	return boolResult(k.Ex.Action == ActionRespond), nil
}

// zsResponseClear is zs_response_clear() -> 0: drop the pending response so
// the chain goes on.
func zsResponseClear(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if k.Ex.Action == ActionRespond {
		k.Ex.Action = ActionNone
		k.Ex.Response = Response{Body: k.Ex.Response.Body[:0]}
	}
	return 0, nil
}
