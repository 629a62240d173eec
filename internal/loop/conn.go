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
		s.recvOn = false
		defer l.done(s)
	}
	if s.closing || s.recvDone {
		return
	}
	c := Conn{id: s.id, gen: s.gen}
	switch {
	case res > 0:
		s.h.OnRecv(c, b, nil)
		if !more && !s.closing {
			l.startRecv(s) // the kernel ended the multishot early
		}
	case res == 0:
		s.recvDone = true
		s.h.OnRecv(c, nil, io.EOF)
	case res == -int32(unix.ENOBUFS):
		// All provided buffers were in use: they are recycled by now.
		if !s.closing {
			l.startRecv(s)
		}
	default:
		s.recvDone = true
		s.h.OnRecv(c, nil, &OpError{Op: "recv", Err: unix.Errno(-res)})
	}
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
