package loop

import (
	"errors"
	"fmt"
)

// ErrNotSupported is wrapped, with the reason, by the error New returns when
// the requested backend cannot run here (io_uring disabled by
// /proc/sys/kernel/io_uring_disabled or seccomp, missing under qemu-user, or
// a kernel too old for the features the loop uses).
var ErrNotSupported = errors.New("not supported")

// ErrClosed is returned for an operation on a connection or listener that
// is closed or closing, and passed to OnSend for data that was still queued
// when its connection closed.
var ErrClosed = errors.New("loop: use of closed connection")

// ErrStopped is returned by operations on a loop that has stopped.
var ErrStopped = errors.New("loop: stopped")

// OpError is the failure of one socket operation, as the kernel reported it.
type OpError struct {
	Op  string // "accept", "recv", "send", "connect", "listen", ...
	Err error  // usually a syscall.Errno
}

// Error returns "loop: op: cause".
func (e *OpError) Error() string { return fmt.Sprintf("loop: %s: %v", e.Op, e.Err) }

// Unwrap returns the underlying error, so errors.Is(err, syscall.ECONNRESET) works.
func (e *OpError) Unwrap() error { return e.Err }
