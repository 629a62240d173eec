package loop

import (
	"io"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// Conn is a handle to a stream connection owned by a Loop. It is a small
// value: compare it, store it, use it as a map key. A handle of a closed
// connection stays invalid even after its slot is reused.
type Conn struct {
	id, gen uint32
}

// Handler receives a connection's events, on the loop's goroutine. Every
// connection that got a Handler ends with exactly one OnClose, after its last
// OnRecv and OnSend.
type Handler interface {
	// OnRecv delivers received bytes. b is loop-owned and valid only until
	// OnRecv returns: copy what must be kept. err is io.EOF once the peer
	// has shut down its sending side, or the receive error; either way b is
	// empty and no OnRecv follows.
	OnRecv(c Conn, b []byte, err error)
	// OnSend reports that one Send or Writev call finished: all its bytes
	// were handed to the kernel (err nil) or they never will be (err set;
	// ErrClosed if the connection was closed first). The call's buffers
	// are the caller's again.
	OnSend(c Conn, err error)
	// OnClose reports that the connection is closed and its handle dead.
	OnClose(c Conn)
}

// conn returns the open connection for c, or nil.
func (l *Loop) conn(c Conn) *sock { return l.lookup(c.id, c.gen, kindConn) }

// Close closes c now: its receive stops, sends not yet completed fail with
// ErrClosed, the descriptor is closed, and OnClose follows once the kernel
// has returned every buffer. To close after queued data is sent, call Close
// from the last OnSend (or use Shutdown).
func (l *Loop) Close(c Conn) error {
	s := l.conn(c)
	if s == nil {
		return ErrClosed
	}
	l.closeSock(s)
	return nil
}

// startRecv arms the multishot receive of a connection.
func (l *Loop) startRecv(s *sock) {
	l.drv.Recv(s.fd, userData(opRecv, s.id))
	s.recvOn = true
	s.pending++
}

func (l *Loop) onRecv(s *sock, res int32, more bool, b []byte) {
	if !more {
		s.recvOn, s.cancelled = false, false
		defer l.done(s)
	}
	if s.closing || s.recvDone {
		return
	}
	if s.paused || s.resuming {
		switch {
		case res > 0:
			s.stash = append(s.stash, b...)
		case res == 0:
			s.recvEnd = io.EOF
		case res != -int32(unix.ENOBUFS) && res != -int32(unix.ECANCELED):
			s.recvEnd = &OpError{Op: "recv", Err: unix.Errno(-res)}
		}
		return // resume re-arms
	}
	c := Conn{id: s.id, gen: s.gen}
	switch {
	case res > 0:
		s.h.OnRecv(c, b, nil)
		l.rearmRecv(s)
	case res == 0:
		s.recvDone = true
		s.h.OnRecv(c, nil, io.EOF)
	case res == -int32(unix.ENOBUFS), res == -int32(unix.ECANCELED):
		// Out of provided buffers (recycled by now), or a PauseRecv's cancel
		// that ResumeRecv overtook: receive again.
		l.rearmRecv(s)
	default:
		s.recvDone = true
		s.h.OnRecv(c, nil, &OpError{Op: "recv", Err: unix.Errno(-res)})
	}
}

// rearmRecv arms the receive again if it ended while it is still wanted.
func (l *Loop) rearmRecv(s *sock) {
	if !s.recvOn && !s.closing && !s.paused && !s.recvDone {
		l.startRecv(s)
	}
}

// PauseRecv stops OnRecv calls for c until ResumeRecv: flow control for a
// connection whose data cannot be consumed yet (a pipelined request behind
// a slow response, a proxy peer that is not reading). Bytes the kernel had
// already received are kept and delivered after ResumeRecv; the kernel then
// stops reading, so the peer's sending is held back by TCP.
func (l *Loop) PauseRecv(c Conn) error {
	s := l.conn(c)
	if s == nil {
		return ErrClosed
	}
	if !s.paused {
		s.paused = true
		if s.recvOn && !s.cancelled {
			l.drv.CancelRecv(s.fd, userData(opRecv, s.id))
			s.cancelled = true
		}
	}
	return nil
}

// ResumeRecv undoes PauseRecv: data held back is delivered (in one OnRecv,
// then the end of stream if it came), after the current callback returns,
// and receiving goes on.
func (l *Loop) ResumeRecv(c Conn) error {
	s := l.conn(c)
	if s == nil {
		return ErrClosed
	}
	if s.paused {
		s.paused = false
		if !s.resuming {
			s.resuming = true
			l.resumeq = append(l.resumeq, c)
		}
	}
	return nil
}

// resume delivers what a paused connection held back and re-arms it.
func (l *Loop) resume(c Conn) {
	s := l.conn(c)
	if s == nil {
		return
	}
	s.resuming = false
	if s.paused || s.recvDone {
		return
	}
	if b := s.stash; len(b) > 0 {
		s.stash = nil
		s.h.OnRecv(c, b, nil)
		if s.stash == nil {
			s.stash = b[:0] // b was valid only during OnRecv: reuse it
		}
		if s.closing || s.paused {
			return
		}
	}
	if err := s.recvEnd; err != nil {
		s.recvEnd = nil
		s.recvDone = true
		s.h.OnRecv(c, nil, err)
		return
	}
	l.rearmRecv(s)
}

// PeerAddr returns the remote address of c.
func (l *Loop) PeerAddr(c Conn) (netip.AddrPort, error) {
	s := l.conn(c)
	if s == nil {
		return netip.AddrPort{}, ErrClosed
	}
	sa, err := unix.Getpeername(s.fd)
	if err != nil {
		return netip.AddrPort{}, os.NewSyscallError("getpeername", err)
	}
	return addrPort(sa), nil
}

// LocalAddr returns the local address of c.
func (l *Loop) LocalAddr(c Conn) (netip.AddrPort, error) {
	s := l.conn(c)
	if s == nil {
		return netip.AddrPort{}, ErrClosed
	}
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return netip.AddrPort{}, os.NewSyscallError("getsockname", err)
	}
	return addrPort(sa), nil
}

// addrPort converts an IPv4 or IPv6 socket address.
func addrPort(sa unix.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
	}
	return netip.AddrPort{}
}
