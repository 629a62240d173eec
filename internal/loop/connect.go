package loop

import (
	"fmt"
	"net/netip"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Connect opens a TCP connection to addr without blocking (for upstreams).
// connected is called on the loop's goroutine with err nil once the
// connection is established, after which h receives its events; or with the
// error, after which the connection closes (OnClose follows). Sends queued
// before connected are written once it is established.
func (l *Loop) Connect(addr netip.AddrPort, h Handler, connected func(c Conn, err error)) (Conn, error) {
	if !addr.IsValid() {
		return Conn{}, fmt.Errorf("loop: connect %v: need an address, a Handler and a connected func", addr)
	}
	addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	family := unix.AF_INET6
	if addr.Addr().Is4() {
		family = unix.AF_INET
	}
	return l.connect(family, addr.String(), h, connected, func(sa *rawAddr) uint32 { return sa.setInet(addr) })
}

// ConnectUnix opens a connection to the Unix stream socket at path as
// Connect does over TCP. A path starting with '@' names a socket in the
// abstract namespace (as Go's net package spells it).
func (l *Loop) ConnectUnix(path string, h Handler, connected func(c Conn, err error)) (Conn, error) {
	var sa rawAddr
	if _, err := sa.setUnix(path); err != nil {
		return Conn{}, &OpError{Op: "connect", Err: err}
	}
	return l.connect(unix.AF_UNIX, path, h, connected, func(sa *rawAddr) uint32 { n, _ := sa.setUnix(path); return n })
}

// connect opens a non-blocking stream socket of family and starts
// connecting it to the address fill writes into the sock (name is for
// errors).
func (l *Loop) connect(family int, name string, h Handler, connected func(Conn, error), fill func(*rawAddr) uint32) (Conn, error) {
	if l.stopping || l.state.Load() == loopDone {
		return Conn{}, ErrStopped
	}
	if h == nil || connected == nil {
		return Conn{}, fmt.Errorf("loop: connect %s: need an address, a Handler and a connected func", name)
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|sockFlags(l.backend), 0)
	if err != nil {
		return Conn{}, &OpError{Op: "connect", Err: os.NewSyscallError("socket", err)}
	}
	if family != unix.AF_UNIX {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
			unix.Close(fd)
			return Conn{}, &OpError{Op: "connect", Err: os.NewSyscallError("setsockopt", err)}
		}
	}
	s := l.alloc(kindConn, fd)
	s.h, s.connected = h, connected
	n := fill(&s.sa)
	// s.sa, in the heap-allocated sock, stays referenced until the connect
	// completes (onConnect).
	l.drv.Connect(fd, unsafe.Pointer(&s.sa), n, userData(opConnect, s.id))
	s.pending++
	s.send.busy = true // sends wait for the connection (onConnect)
	return Conn{id: s.id, gen: s.gen}, nil
}

func (l *Loop) onConnect(s *sock, res int32) {
	defer l.done(s)
	s.send.busy = false
	f := s.connected
	s.connected = nil
	c := Conn{id: s.id, gen: s.gen}
	if s.closing {
		f(c, ErrClosed)
		return
	}
	if res < 0 {
		f(c, &OpError{Op: "connect", Err: unix.Errno(-res)})
		if !s.closing {
			l.closeSock(s)
		}
		return
	}
	f(c, nil)
	if s.closing {
		return
	}
	l.rearmRecv(s) // unless paused from connected
	if s.send.head < len(s.send.q) || s.send.shutWr {
		l.queueFlush(s)
	}
}
