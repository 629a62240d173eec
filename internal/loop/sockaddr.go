package loop

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawAddr holds the raw address of a connect in flight: a sockaddr_in,
// sockaddr_in6 or sockaddr_un, whichever the socket's family needs. It is
// aligned for all three.
type rawAddr struct {
	_  [0]uint64
	un unix.RawSockaddrUnix // the largest of the three
}

// errUnixPath is a Unix socket path that does not fit a sockaddr_un.
var errUnixPath = errors.New("unix socket path empty, too long or containing NUL")

// setInet writes addr as a sockaddr_in or sockaddr_in6 and returns its
// length.
func (sa *rawAddr) setInet(addr netip.AddrPort) uint32 {
	if addr.Addr().Is4() {
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		*sa4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: addr.Addr().As4()}
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa4.Port))[:], addr.Port())
		return unix.SizeofSockaddrInet4
	}
	sa6 := (*unix.RawSockaddrInet6)(unsafe.Pointer(sa))
	*sa6 = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: addr.Addr().As16()}
	binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa6.Port))[:], addr.Port())
	return unix.SizeofSockaddrInet6
}

// setUnix writes path as a sockaddr_un and returns its length: a path
// starting with '@' is abstract (a NUL first byte, length exact), others
// are NUL-terminated.
func (sa *rawAddr) setUnix(path string) (uint32, error) {
	abstract := path != "" && path[0] == '@'
	if path == "" || len(path) >= len(sa.un.Path) || path == "@" {
		return 0, errUnixPath
	}
	sa.un = unix.RawSockaddrUnix{Family: unix.AF_UNIX}
	for i := 0; i < len(path); i++ {
		if path[i] == 0 {
			return 0, errUnixPath
		}
		sa.un.Path[i] = int8(path[i])
	}
	n := uint32(unsafe.Offsetof(sa.un.Path)) + uint32(len(path))
	if abstract {
		sa.un.Path[0] = 0
		return n, nil
	}
	return n + 1, nil // the terminating NUL
}
