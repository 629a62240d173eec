package loop

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Listener is a handle to a listening socket owned by a Loop.
type Listener struct {
	id, gen uint32
}

// AcceptFunc is called on the loop's goroutine for each accepted connection
// and returns its Handler; returning nil closes the connection (without
// OnClose). The connection may already be used (Send, AfterFunc...) inside
// AcceptFunc; its events start after AcceptFunc returns. An accept failure is reported with a zero Conn and err set, and
// the return value is ignored: after a transient failure (out of descriptors
// or memory) accepting resumes after acceptRetry, after any other the
// listener is closed.
type AcceptFunc func(c Conn, err error) Handler

// acceptRetry is how long a listener pauses after running out of
// descriptors or memory, so the loop does not spin on the failure.
const acceptRetry = 10 * time.Millisecond

// defaultBacklog is the listen(2) backlog when Listen is given 0 (the kernel
// caps it at net.core.somaxconn).
const defaultBacklog = 4096

// Listen opens a TCP listener and starts accepting. addr is "host:port"
// (host may be empty for all addresses; the port may be 0) with
// SO_REUSEPORT and SO_REUSEADDR set, so each loop can have its own listener
// on the same port; or "fd:N" for an inherited listening socket (socket
// activation), which the loop then owns. Accepted connections have
// TCP_NODELAY (set on the listener, inherited by accepted sockets). Listen
// may be called before Run or on the loop's goroutine.
func (l *Loop) Listen(addr string, backlog int, accept AcceptFunc) (Listener, error) {
	if l.state.Load() == loopDone || l.stopping {
		return Listener{}, ErrStopped
	}
	if backlog <= 0 {
		backlog = defaultBacklog
	}
	inherited, ap, err := parseListenAddr(addr)
	var fd int
	if err == nil {
		if inherited >= 0 {
			fd, err = inheritedListener(inherited)
		} else {
			fd, err = listenTCP(ap, backlog)
		}
	}
	if err != nil {
		return Listener{}, fmt.Errorf("loop: listen %s: %w", addr, err)
	}
	// io_uring's multishot accept waits in the kernel; epoll needs a
	// non-blocking listener.
	if err := unix.SetNonblock(fd, l.backend == Epoll); err != nil {
		unix.Close(fd)
		return Listener{}, fmt.Errorf("loop: listen %s: %w", addr, err)
	}
	s := l.alloc(kindListener, fd)
	s.accept = accept
	l.startAccept(s)
	return Listener{id: s.id, gen: s.gen}, nil
}

// parseListenAddr splits Listen's address: "fd:N" gives descriptor N (and
// fd -1 otherwise), "host:port" an address, where host is an IP address or
// empty for all addresses.
func parseListenAddr(addr string) (fd int, ap netip.AddrPort, err error) {
	if n, ok := strings.CutPrefix(addr, "fd:"); ok {
		fd, err := strconv.Atoi(n)
		if err != nil || fd < 0 {
			return -1, ap, fmt.Errorf("bad descriptor %q", n)
		}
		return fd, ap, nil
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return -1, ap, err
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return -1, ap, fmt.Errorf("bad port %q", portStr)
	}
	ip := netip.IPv6Unspecified()
	if host != "" {
		if ip, err = netip.ParseAddr(host); err != nil {
			return -1, ap, fmt.Errorf("host must be an IP address: %w", err)
		}
		if ip.Zone() != "" {
			return -1, ap, fmt.Errorf("zoned address %q not supported", host)
		}
	}
	return -1, netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
}

// listenTCP creates, binds and listens on a TCP socket for ap.
func listenTCP(ap netip.AddrPort, backlog int) (int, error) {
	sa, family := sockaddr(ap)
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	for _, opt := range [...]struct{ level, name int }{
		{unix.SOL_SOCKET, unix.SO_REUSEADDR},
		{unix.SOL_SOCKET, unix.SO_REUSEPORT},
		{unix.IPPROTO_TCP, unix.TCP_NODELAY},
	} {
		if err := unix.SetsockoptInt(fd, opt.level, opt.name, 1); err != nil {
			unix.Close(fd)
			return -1, os.NewSyscallError("setsockopt", err)
		}
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("listen", err)
	}
	return fd, nil
}

// inheritedListener validates descriptor fd as a listening socket and sets
// TCP_NODELAY on it (not applicable to, and skipped for, Unix sockets).
func inheritedListener(fd int) (int, error) {
	ok, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	if err != nil {
		return -1, fmt.Errorf("descriptor %d: %w", fd, os.NewSyscallError("getsockopt", err))
	}
	if ok != 1 {
		return -1, fmt.Errorf("descriptor %d is not a listening socket", fd)
	}
	if dom, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN); err == nil && dom != unix.AF_UNIX {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
			return -1, fmt.Errorf("descriptor %d: %w", fd, os.NewSyscallError("setsockopt", err))
		}
	}
	unix.CloseOnExec(fd)
	return fd, nil
}

// sockaddr converts ap to a socket address and its address family.
func sockaddr(ap netip.AddrPort) (unix.Sockaddr, int) {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}, unix.AF_INET
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}, unix.AF_INET6
}

// ListenerAddr returns the address ln is bound to (with the port the
// kernel chose for port 0).
func (l *Loop) ListenerAddr(ln Listener) (netip.AddrPort, error) {
	s := l.lookup(ln.id, ln.gen, kindListener)
	if s == nil {
		return netip.AddrPort{}, ErrClosed
	}
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return netip.AddrPort{}, os.NewSyscallError("getsockname", err)
	}
	return addrPort(sa), nil
}

// CloseListener stops accepting on ln and closes its socket. Connections
// already accepted are not affected.
func (l *Loop) CloseListener(ln Listener) error {
	s := l.lookup(ln.id, ln.gen, kindListener)
	if s == nil {
		return ErrClosed
	}
	l.closeSock(s)
	return nil
}

func (l *Loop) startAccept(s *sock) {
	l.drv.Accept(s.fd, userData(opAccept, s.id))
	s.pending++
}

func (l *Loop) onAccept(s *sock, res int32, more bool) {
	if !more {
		defer l.done(s)
	}
	if res >= 0 {
		l.accepted(s, int(res))
		if !more && !s.closing {
			l.startAccept(s)
		}
		return
	}
	if s.closing {
		return
	}
	errno := unix.Errno(-res)
	s.accept(Conn{}, &OpError{Op: "accept", Err: errno})
	if s.closing || more {
		return
	}
	switch errno {
	case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM, unix.EINTR, unix.ECONNABORTED:
		ln := Listener{id: s.id, gen: s.gen}
		l.AfterFunc(acceptRetry, func() {
			if l.lookup(ln.id, ln.gen, kindListener) == s { // not closed meanwhile
				l.startAccept(s)
			}
		})
	default:
		l.closeSock(s)
	}
}

// accepted sets up a connection for a new descriptor from listener s.
func (l *Loop) accepted(s *sock, fd int) {
	if s.closing {
		unix.Close(fd)
		return
	}
	c := l.alloc(kindConn, fd)
	h := s.accept(Conn{id: c.id, gen: c.gen}, nil)
	c.h = h
	switch {
	case c.closing: // closed inside AcceptFunc: finish will call OnClose
	case h == nil:
		l.closeSock(c)
	default:
		l.rearmRecv(c) // unless paused inside AcceptFunc
	}
}
