// Package epoll runs the event loop's completion-style operations over epoll:
// each operation (multishot accept and recv, sendmsg, connect, readiness
// poll, cancel-and-close) is carried out with non-blocking system calls when
// epoll reports the descriptor ready, and reported as a completion with the
// same result encoding io_uring uses (a byte count, descriptor or -errno, and
// whether a multishot operation stays armed). This lets one loop
// implementation drive both backends.
//
// Descriptors are registered edge-triggered for input and output once, on
// their first operation. A Poller is used by one goroutine.
package epoll

import (
	"math"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// CompleteFunc receives one completion: the operation's user data, its
// result (bytes, a descriptor, or -errno), whether a multishot operation
// stays armed, and for receives the bytes, valid only during the call.
type CompleteFunc = func(ud uint64, res int32, more bool, b []byte)

// op names the operations a descriptor can have armed, as bits of fdState.armed.
type op uint8

const (
	opAccept op = 1 << iota
	opRecv
	opSend
	opConnect
	opPoll
)

// fdState is what a Poller knows about one descriptor.
type fdState struct {
	gen        uint32 // bumped when the descriptor is closed, so loops notice
	registered bool
	armed      op
	ud         [5]uint64    // user data per op, indexed by opIndex
	msg        *unix.Msghdr // the pending sendmsg: keeps the caller's iovecs referenced until it completes
}

func opIndex(o op) int {
	switch o {
	case opAccept:
		return 0
	case opRecv:
		return 1
	case opSend:
		return 2
	case opConnect:
		return 3
	default:
		return 4
	}
}

// maxReads is how many full buffers one readiness event reads from a
// descriptor before the others get their turn.
const maxReads = 16

// completion is a result produced outside of Wait, delivered by the next Wait.
type completion struct {
	ud   uint64
	res  int32
	more bool
}

// Poller is one epoll instance with the state of the descriptors it serves.
type Poller struct {
	epfd   int
	fds    []fdState // indexed by descriptor number
	ready  []completion
	kicks  []int32 // descriptors to read before waiting: re-armed, or yielded (maxReads)
	spare  []int32 // the other kicks buffer, swapped in by Wait
	events []unix.EpollEvent
	buf    []byte // the receive buffer handed to CompleteFunc
}

// New creates a Poller whose receives read up to bufSize bytes at a time.
func New(bufSize int) (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	return &Poller{epfd: epfd, events: make([]unix.EpollEvent, 256), buf: make([]byte, bufSize)}, nil
}

// Start is called on the loop's thread before the first Wait; epoll needs
// nothing there.
func (p *Poller) Start() error { return nil }

func (p *Poller) state(fd int) *fdState {
	if fd >= len(p.fds) {
		p.fds = append(p.fds, make([]fdState, fd+1-len(p.fds)+len(p.fds)/2)...)
	}
	return &p.fds[fd]
}

// arm records op o on fd and registers fd with epoll on its first operation.
// A re-armed descriptor is tried again before the next wait, since its
// readiness edge may already have been consumed.
func (p *Poller) arm(fd int, o op, ud uint64) *fdState {
	st := p.state(fd)
	st.armed |= o
	st.ud[opIndex(o)] = ud
	if !st.registered {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(fd)}
		if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			st.armed &^= o
			p.ready = append(p.ready, completion{ud: ud, res: -int32(errnoOf(err))})
			return st
		}
		st.registered = true
	} else if o&(opAccept|opRecv) != 0 {
		p.kicks = append(p.kicks, int32(fd))
	}
	return st
}

// complete disarms op o on st and queues its final completion.
func (p *Poller) complete(st *fdState, o op, res int32) {
	st.armed &^= o
	p.ready = append(p.ready, completion{ud: st.ud[opIndex(o)], res: res})
}

// PollIn reports (multishot) each time fd becomes readable.
func (p *Poller) PollIn(fd int, ud uint64) { p.arm(fd, opPoll, ud) }

// Accept accepts connections on the listening socket fd (multishot); each
// completion carries a non-blocking, close-on-exec descriptor.
func (p *Poller) Accept(fd int, ud uint64) { p.arm(fd, opAccept, ud) }

// Recv receives on fd (multishot) until end of stream (res 0) or an error.
func (p *Poller) Recv(fd int, ud uint64) { p.arm(fd, opRecv, ud) }

// CancelRecv ends fd's armed Recv; its completion is -ECANCELED.
func (p *Poller) CancelRecv(fd int, ud uint64) {
	if st := p.state(fd); st.armed&opRecv != 0 && st.ud[opIndex(opRecv)] == ud {
		p.complete(st, opRecv, -int32(unix.ECANCELED))
	}
}

// Sendmsg sends msg on fd once; the completion carries the bytes sent, which
// may be fewer than asked. msg is referenced until then.
func (p *Poller) Sendmsg(fd int, msg *unix.Msghdr, ud uint64) {
	st := p.arm(fd, opSend, ud)
	if st.armed&opSend == 0 {
		return // registration failed and was reported
	}
	st.msg = msg
	p.trySend(fd, st)
}

// ReadAt reads into b from the file fd at offset off with pread, at once:
// regular files are always ready for epoll, so the read blocks the caller's
// thread while the page cache misses. The completion is delivered by the
// next Wait.
func (p *Poller) ReadAt(fd int, b []byte, off int64, ud uint64) {
	n, err := unix.Pread(fd, b, off)
	for err == unix.EINTR {
		n, err = unix.Pread(fd, b, off)
	}
	res := int32(n)
	if err != nil {
		res = -int32(errnoOf(err))
	}
	p.ready = append(p.ready, completion{ud: ud, res: res})
}

// Connect starts connecting fd to the raw socket address sa of length n.
// sa is only read during this call.
func (p *Poller) Connect(fd int, sa unsafe.Pointer, n uint32, ud uint64) {
	st := p.arm(fd, opConnect, ud)
	if st.armed&opConnect == 0 {
		return
	}
	_, _, errno := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(sa), uintptr(n))
	switch errno {
	case unix.EINPROGRESS, unix.EINTR:
		// Completes when epoll reports the socket writable.
	case 0:
		p.complete(st, opConnect, 0)
	default:
		p.complete(st, opConnect, -int32(errno))
	}
}

// CancelClose completes every operation armed on fd with -ECANCELED and
// closes fd.
func (p *Poller) CancelClose(fd int) {
	st := p.state(fd)
	for o := opAccept; o <= opPoll; o <<= 1 {
		// The pending sendmsg's msg is dropped with the state below.
		if st.armed&o != 0 {
			p.complete(st, o, -int32(unix.ECANCELED))
		}
	}
	if st.registered {
		// close alone would leave the registration behind if fd has a
		// duplicate elsewhere (an inherited listener, say).
		unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	}
	*st = fdState{gen: st.gen + 1}
	unix.Close(fd)
}

// Wait delivers queued completions, then waits for readiness up to timeout
// (negative: no limit; zero if anything was delivered) and carries out the
// operations armed on the ready descriptors, calling fn for each completion.
func (p *Poller) Wait(timeout time.Duration, fn CompleteFunc) error {
	delivered := len(p.kicks) > 0 || len(p.ready) > 0
	// Kicks queued while these run (a busy receiver yielding) wait for the
	// next Wait, after epoll has had its turn.
	kicks := p.kicks
	p.kicks = p.spare[:0]
	for _, fd := range kicks {
		p.onReadable(int(fd), true, fn)
	}
	p.spare = kicks[:0]
	p.deliver(fn)
	msec := -1
	switch {
	case delivered:
		msec = 0
	case timeout >= 0:
		msec = int(min((timeout+time.Millisecond-1)/time.Millisecond, math.MaxInt32))
	}
	n, err := unix.EpollWait(p.epfd, p.events, msec)
	if err != nil {
		if err == unix.EINTR {
			return nil
		}
		return os.NewSyscallError("epoll_wait", err)
	}
	for i := range n {
		ev := p.events[i]
		fd := int(ev.Fd)
		gen := p.fds[fd].gen
		if ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			p.onReadable(fd, ev.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0, fn)
		}
		if p.fds[fd].gen == gen && ev.Events&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
			p.onWritable(fd, fn)
		}
	}
	p.deliver(fn)
	return nil
}

// deliver hands the queued completions to fn, including any fn queues.
func (p *Poller) deliver(fn CompleteFunc) {
	for i := 0; i < len(p.ready); i++ {
		c := p.ready[i]
		fn(c.ud, c.res, c.more, nil)
	}
	p.ready = p.ready[:0]
}

// onReadable runs the input operations armed on fd until they would block,
// or, unless drain is set, until a short read shows the socket was emptied
// (new data raises a new edge; drain is set when the peer's end of stream
// was signalled with this edge). Callbacks may close fd, a new accept may
// reuse its number, and p.fds may grow, so the state is looked up again after
// each callback and the loops stop when fd's generation changes.
func (p *Poller) onReadable(fd int, drain bool, fn CompleteFunc) {
	gen := p.fds[fd].gen
	live := func(o op) bool { st := &p.fds[fd]; return st.gen == gen && st.armed&o != 0 }
	if live(opPoll) {
		fn(p.fds[fd].ud[opIndex(opPoll)], 1, true, nil)
	}
	for live(opAccept) {
		nfd, _, errno := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
		switch errno {
		case 0:
			fn(p.fds[fd].ud[opIndex(opAccept)], int32(nfd), true, nil)
		case unix.EINTR, unix.ECONNABORTED:
		case unix.EAGAIN:
			return
		default:
			p.fds[fd].armed &^= opAccept
			fn(p.fds[fd].ud[opIndex(opAccept)], -int32(errno), false, nil)
			return
		}
	}
	reads := 0
	for live(opRecv) {
		n, err := unix.Read(fd, p.buf)
		ud := p.fds[fd].ud[opIndex(opRecv)]
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return
		case err != nil:
			p.fds[fd].armed &^= opRecv
			fn(ud, -int32(errnoOf(err)), false, nil)
			return
		case n == 0:
			p.fds[fd].armed &^= opRecv
			fn(ud, 0, false, nil)
			return
		}
		fn(ud, int32(n), true, p.buf[:n])
		if n < len(p.buf) && !drain {
			return
		}
		if reads++; reads == maxReads {
			// Let other descriptors run; continue before the next wait.
			p.kicks = append(p.kicks, int32(fd))
			return
		}
	}
}

// onWritable finishes a pending connect or sendmsg on fd.
func (p *Poller) onWritable(fd int, fn CompleteFunc) {
	st := &p.fds[fd]
	if st.armed&opConnect != 0 {
		v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		res := -int32(v)
		if err != nil {
			res = -int32(errnoOf(err))
		}
		st.armed &^= opConnect
		fn(st.ud[opIndex(opConnect)], res, false, nil)
		st = &p.fds[fd] // fn may have grown p.fds
	}
	if st.armed&opSend != 0 {
		p.trySend(fd, st)
	}
}

// trySend attempts the pending sendmsg; unless it would block, its result is
// queued for delivery.
func (p *Poller) trySend(fd int, st *fdState) {
	for {
		n, _, errno := unix.Syscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(st.msg)), unix.MSG_NOSIGNAL)
		switch errno {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return // wait for EPOLLOUT
		case 0:
			st.msg = nil
			p.complete(st, opSend, int32(n))
		default:
			st.msg = nil
			p.complete(st, opSend, -int32(errno))
		}
		return
	}
}

// Close closes the epoll instance. Descriptors are closed by CancelClose.
func (p *Poller) Close() error {
	if err := unix.Close(p.epfd); err != nil {
		return os.NewSyscallError("close epoll", err)
	}
	return nil
}

func errnoOf(err error) unix.Errno {
	if e, ok := err.(unix.Errno); ok {
		return e
	}
	return unix.EIO
}
