package loop

import (
	"encoding/binary"
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
	if l.stopping || l.state.Load() == loopDone {
		return Conn{}, ErrStopped
	}
	if h == nil || connected == nil || !addr.IsValid() {
		return Conn{}, fmt.Errorf("loop: connect %v: need an address, a Handler and a connected func", addr)
	}
	addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	family := unix.AF_INET6
	if addr.Addr().Is4() {
		family = unix.AF_INET
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|sockFlags(l.backend), 0)
	if err != nil {
		return Conn{}, &OpError{Op: "connect", Err: os.NewSyscallError("socket", err)}
	}
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		unix.Close(fd)
		return Conn{}, &OpError{Op: "connect", Err: os.NewSyscallError("setsockopt", err)}
	}
	s := l.alloc(kindConn, fd)
	s.h, s.connected = h, connected
	n := rawSockaddr(&s.sa, addr)
	// s.sa, in the heap-allocated sock, stays referenced until the connect
	// completes (onConnect).
	l.drv.Connect(fd, unsafe.Pointer(&s.sa), n, userData(opConnect, s.id))
	s.pending++
	s.send.busy = true // sends wait for the connection (onConnect)
	return Conn{id: s.id, gen: s.gen}, nil
}

// rawSockaddr writes addr into sa as a sockaddr_in or sockaddr_in6 and
// returns its length.
func rawSockaddr(sa *unix.RawSockaddrInet6, addr netip.AddrPort) uint32 {
	if addr.Addr().Is4() {
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		*sa4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: addr.Addr().As4()}
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa4.Port))[:], addr.Port())
		return unix.SizeofSockaddrInet4
	}
	*sa = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: addr.Addr().As16()}
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa.Port))[:], addr.Port())
	return unix.SizeofSockaddrInet6
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
