package loop

import (
	"os"

	"golang.org/x/sys/unix"
)

// maxIov caps the iovecs of one sendmsg (the kernel's IOV_MAX is 1024).
const maxIov = 64

// sendReq is one Send or Writev call.
type sendReq struct {
	one  []byte   // Send's buffer
	bufs [][]byte // Writev's buffers
	off  int      // bytes of this request already sent
}

// sendState is a connection's outgoing side. At most one sendmsg is in
// flight per connection (a second one could interleave with a short first).
type sendState struct {
	// q holds the queued requests from head on. It keeps the callers'
	// buffers referenced until each request's OnSend: the in-flight
	// sendmsg's iovecs point into them.
	q      []sendReq
	head   int
	queued bool // in Loop.flushq
	busy   bool // a sendmsg is in flight
	shutWr bool // shut down the write side once q drains
	err    error
	// iov and msg are the in-flight sendmsg: the kernel reads them until
	// its completion, and they live here (in the heap-allocated sock) until
	// then.
	iov []unix.Iovec
	msg unix.Msghdr
}

// Send queues b to be sent on c; OnSend(c, nil) follows once all of it is
// with the kernel. b must not be modified until then. Sends are written in
// call order, and all sends queued in one loop iteration go out in one
// sendmsg per connection.
func (l *Loop) Send(c Conn, b []byte) error {
	return l.queueSend(c, sendReq{one: b})
}

// Writev queues bufs to be sent on c as one request, like Send. Neither bufs
// nor the buffers in it may be modified until OnSend.
func (l *Loop) Writev(c Conn, bufs [][]byte) error {
	return l.queueSend(c, sendReq{bufs: bufs})
}

func (l *Loop) queueSend(c Conn, r sendReq) error {
	s := l.conn(c)
	switch {
	case s == nil:
		return ErrClosed
	case s.send.err != nil:
		return s.send.err
	case s.send.shutWr:
		return &OpError{Op: "send", Err: unix.EPIPE}
	}
	s.send.q = append(s.send.q, r)
	l.queueFlush(s)
	return nil
}

// Shutdown shuts down c's sending side (the peer reads end of stream) once
// the data queued so far is sent. Receiving goes on. Later Sends fail; if
// the shutdown itself fails, they fail with its error.
func (l *Loop) Shutdown(c Conn) error {
	s := l.conn(c)
	if s == nil {
		return ErrClosed
	}
	s.send.shutWr = true
	l.queueFlush(s)
	return nil
}

func (l *Loop) queueFlush(s *sock) {
	if !s.send.queued {
		s.send.queued = true
		l.flushq = append(l.flushq, s.id)
	}
}

// submitSend gathers the queued requests into one sendmsg, or does a pending
// shutdown once nothing is left to send.
func (l *Loop) submitSend(s *sock) {
	st := &s.send
	if st.busy {
		return // onSend queues the rest
	}
	if st.head == len(st.q) {
		if st.shutWr && st.err == nil {
			if err := unix.Shutdown(s.fd, unix.SHUT_WR); err != nil {
				st.err = os.NewSyscallError("shutdown", err)
			}
		}
		return
	}
	st.iov = st.iov[:0]
	for i := st.head; i < len(st.q) && len(st.iov) < maxIov; i++ {
		r := &st.q[i]
		skip := r.off
		add := func(b []byte) {
			if skip >= len(b) {
				skip -= len(b)
				return
			}
			b = b[skip:]
			skip = 0
			if len(st.iov) < maxIov {
				st.iov = append(st.iov, unix.Iovec{Base: &b[0], Len: uint64(len(b))})
			}
		}
		if r.one != nil {
			add(r.one)
		}
		for _, b := range r.bufs {
			add(b)
		}
	}
	if len(st.iov) == 0 {
		// Only empty requests are queued: they are done.
		l.onSend(s, 0)
		return
	}
	st.msg = unix.Msghdr{Iov: &st.iov[0], Iovlen: uint64(len(st.iov))}
	// st.msg and st.iov, in the sock, and the callers' buffers, in st.q,
	// stay referenced until this completion arrives (onSend).
	l.drv.Sendmsg(s.fd, &st.msg, userData(opSend, s.id))
	st.busy = true
	s.pending++
}

// onSend advances the queue by the bytes a sendmsg sent, reports finished
// requests, and queues the rest. res 0 from submitSend completes empty
// requests without a sendmsg.
func (l *Loop) onSend(s *sock, res int32) {
	st := &s.send
	if st.busy {
		st.busy = false
		st.msg = unix.Msghdr{}
		defer l.done(s)
	}
	c := Conn{id: s.id, gen: s.gen}
	if res < 0 {
		if !s.closing {
			st.err = &OpError{Op: "send", Err: unix.Errno(-res)}
		}
		l.failSends(s, c, errOr(st.err, ErrClosed))
		return
	}
	n := int(res)
	for st.head < len(st.q) {
		r := &st.q[st.head]
		left := reqLen(r) - r.off
		if n < left {
			r.off += n
			break
		}
		n -= left
		st.q[st.head] = sendReq{}
		st.head++
		s.h.OnSend(c, nil)
	}
	if st.head == len(st.q) {
		st.q, st.head = st.q[:0], 0
	}
	if !s.closing && (st.head < len(st.q) || st.shutWr) {
		l.queueFlush(s)
	}
}

func errOr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// failSends reports err for every queued request of s.
func (l *Loop) failSends(s *sock, c Conn, err error) {
	st := &s.send
	for st.head < len(st.q) {
		st.q[st.head] = sendReq{}
		st.head++
		if s.h != nil {
			s.h.OnSend(c, err)
		}
	}
	st.q, st.head = st.q[:0], 0
}

func reqLen(r *sendReq) int {
	n := len(r.one)
	for _, b := range r.bufs {
		n += len(b)
	}
	return n
}
