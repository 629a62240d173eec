package http1

import (
	"errors"
	"strconv"
)

// ErrNeedMore is returned by the parsers when the input ends before the
// element being parsed is complete. The caller receives more bytes and calls
// again with the unconsumed input followed by the new bytes.
var ErrNeedMore = errors.New("http1: need more data")

// ErrInputShrunk is returned by the parsers when Parse is given fewer bytes
// than it already examined at an earlier call since Reset: the caller broke
// the resumption contract. Nothing is parsed.
var ErrInputShrunk = errors.New("http1: Parse input shorter than at the previous call")

// Error is a protocol error found in a message. Status is the HTTP status the
// server should answer with (for a request) or 502 (for an upstream
// response), Reason says what was wrong, and Offset is the index in the
// parsed input of the byte where the problem was found. Close is true when
// the connection must be closed after answering, which is the case for every
// error where the message framing can no longer be trusted.
type Error struct {
	Status int
	Reason string
	Offset int
	Close  bool
}

// Error formats the status, the reason and the offset.
func (e *Error) Error() string {
	return "http1: " + strconv.Itoa(e.Status) + " " + StatusText(e.Status) + ": " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// fail returns a closing *Error for status at offset off.
func fail(status int, reason string, off int) *Error {
	return &Error{Status: status, Reason: reason, Offset: off, Close: true}
}

// badRequest returns a closing 400 *Error at offset off.
func badRequest(reason string, off int) *Error {
	return fail(400, reason, off)
}
