package loop

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// completeFunc receives one completion from a driver: the operation's user
// data (see userData), its result (a byte count, a descriptor, or -errno),
// whether a multishot operation stays armed, and for receives the received
// bytes, which are driver-owned and valid only during the call.
type completeFunc = func(ud uint64, res int32, more bool, b []byte)

// driver is what a backend provides: completion-style socket operations.
// io_uring does them natively (uringDriver); the epoll package emulates them
// with readiness and non-blocking calls. All methods run on the loop's
// thread; operations take effect at the next Wait at the latest, and every
// armed operation ends with exactly one completion whose more is false.
type driver interface {
	// Start runs on the loop's locked OS thread before the first Wait.
	Start() error
	// PollIn reports (multishot) each time fd becomes readable.
	PollIn(fd int, ud uint64)
	// Accept accepts connections on fd (multishot); res is the new descriptor.
	Accept(fd int, ud uint64)
	// Recv receives on fd (multishot) until end of stream (res 0) or an error.
	Recv(fd int, ud uint64)
	// CancelRecv ends fd's armed Recv whose user data is ud; its final
	// completion follows (-ECANCELED unless it ended first).
	CancelRecv(fd int, ud uint64)
	// Sendmsg sends msg on fd once; res is the bytes sent (maybe fewer).
	// msg, its iovecs and their buffers stay referenced by the caller
	// until the completion.
	Sendmsg(fd int, msg *unix.Msghdr, ud uint64)
	// Connect connects fd to the n-byte raw address sa, which stays
	// referenced by the caller until the completion.
	Connect(fd int, sa unsafe.Pointer, n uint32, ud uint64)
	// ReadAt reads into b from the file fd at offset off; b stays
	// referenced by the caller until the completion.
	ReadAt(fd int, b []byte, off int64, ud uint64)
	// CancelClose cancels every operation on fd (each completes, with
	// -ECANCELED unless it finished first) and closes fd.
	CancelClose(fd int)
	// Wait submits, waits up to timeout (<0: no limit) for completions and
	// calls fn for each.
	Wait(timeout time.Duration, fn completeFunc) error
	// Close releases the backend; no operation may be in flight.
	Close() error
}

// sockFlags returns the socket(2)/accept4(2) type flags for descriptors the
// backend drives: io_uring waits inside the kernel, so its sockets stay
// blocking; epoll needs non-blocking ones.
func sockFlags(b Backend) int {
	if b == Epoll {
		return unix.SOCK_CLOEXEC | unix.SOCK_NONBLOCK
	}
	return unix.SOCK_CLOEXEC
}
