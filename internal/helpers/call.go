package helpers

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// Call is what a running script's vm.Context carries in its User field:
// the exchange it works on and its own per-run state.
type Call struct {
	Ex     *Exchange
	Script string // name of the running script, for logs
	logBuf []byte // zs_log's pending line
	// objects are the context's JSON handles (objects.go).
	objects objectTable
	// depth is the zs_call nesting of this context: 0 for a request entry.
	depth int
	// res is the response a response hook works on; nil outside hooks.
	res *HookResponse
}

// RootCall returns the Call for a request entry of the script named
// script: the exchange's own, cleared, so running a chain allocates
// nothing. It is valid until the next RootCall on ex.
func (ex *Exchange) RootCall(script string) *Call {
	k := &ex.root
	*k = Call{Ex: ex, Script: script, logBuf: k.logBuf[:0]}
	return k
}

// errNoExchange is the trap of a request helper called from a run that has
// no request (an init or TLS entrypoint).
var errNoExchange = errors.New("helper needs a request, and this run has none")

// minusOne is -1 as a helper returns it.
const minusOne = ^uint64(0)

// current returns the Call of the running context.
func current(c *vm.Context) (*Call, error) {
	if k, ok := c.User.(*Call); ok && k.Ex != nil {
		return k, nil
	}
	return nil, errNoExchange
}

// guestBytes returns guest memory [p, p+n) for reading; the slice aliases
// guest memory and is valid until the helper returns.
func guestBytes(c *vm.Context, p, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	return c.Read(p, n)
}

// guestString copies guest memory [p, p+n) into a string.
func guestString(c *vm.Context, p, n uint64) (string, error) {
	b, err := guestBytes(c, p, n)
	return string(b), err
}

// guestText is guestString for text that must be UTF-8 (names, keys).
func guestText(c *vm.Context, p, n uint64) (string, error) {
	s, err := guestString(c, p, n)
	if err == nil && !utf8.ValidString(s) {
		err = fmt.Errorf("string at %#x is not valid UTF-8", p)
	}
	return s, err
}

// writeString stores s at (out, outLen) by the string-out rule (package
// doc): at most outLen-1 bytes and a NUL; it returns len(s).
func writeString(c *vm.Context, out, outLen uint64, s string) (uint64, error) {
	if outLen == 0 {
		return uint64(len(s)), nil
	}
	b, err := c.Write(out, outLen)
	if err != nil {
		return 0, err
	}
	n := copy(b[:outLen-1], s)
	b[n] = 0
	return uint64(len(s)), nil
}

// boolResult converts a Go bool to a helper's 0/1.
func boolResult(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
