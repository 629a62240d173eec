package loop

import "fmt"

// Backend selects the kernel interface a Loop runs on.
type Backend uint8

const (
	// Auto uses io_uring when it can be set up and epoll otherwise.
	Auto Backend = iota
	// IOUring uses io_uring, or fails with an error wrapping ErrNotSupported.
	IOUring
	// Epoll uses epoll.
	Epoll
)

var backendNames = [...]string{Auto: "auto", IOUring: "io_uring", Epoll: "epoll"}

// String returns the --io flag spelling of b.
func (b Backend) String() string {
	if int(b) < len(backendNames) {
		return backendNames[b]
	}
	return fmt.Sprintf("Backend(%d)", b)
}

// ParseBackend maps the --io flag's values "auto", "io_uring" (or "uring")
// and "epoll" to a Backend.
func ParseBackend(s string) (Backend, error) {
	switch s {
	case "auto", "":
		return Auto, nil
	case "io_uring", "uring", "iouring":
		return IOUring, nil
	case "epoll":
		return Epoll, nil
	}
	return Auto, fmt.Errorf("loop: unknown I/O backend %q (want auto, io_uring or epoll)", s)
}
