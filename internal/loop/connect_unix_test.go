package loop

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestConnectUnix exchanges bytes with a Unix socket server reached by path
// and by an abstract name, on both backends.
func TestConnectUnix(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		for _, abstract := range []bool{false, true} {
			name := filepath.Join(t.TempDir(), "up.sock")
			if abstract {
				name = fmt.Sprintf("@zeroserve-loop-test-%d-%s", os.Getpid(), b)
			}
			upstream, err := net.Listen("unix", name)
			if err != nil {
				t.Fatal(err)
			}
			defer upstream.Close()
			go func() {
				c, err := upstream.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				buf := make([]byte, 4)
				if _, err := io.ReadFull(c, buf); err == nil && string(buf) == "ping" {
					c.Write([]byte("pong"))
				}
			}()
			l := newLoop(t, b)
			start(t, l)
			rec := newRecorder(l)
			connected := make(chan error, 1)
			onLoop(t, l, func() {
				c, err := l.ConnectUnix(name, rec, func(c Conn, err error) { connected <- err })
				if err != nil {
					t.Error(err)
					return
				}
				l.Send(c, []byte("ping")) // queued until connected
			})
			if err := <-connected; err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			wait(t, rec.closed, "unix connection to close")
			rec.mu.Lock()
			if string(rec.data) != "pong" || rec.err != io.EOF || rec.sent != 1 {
				t.Errorf("%s: got %q, err %v, %d sends done; want \"pong\", EOF, 1", name, rec.data, rec.err, rec.sent)
			}
			rec.mu.Unlock()
		}
	})
}

// TestConnectUnixErrors: a missing socket fails in connected (ENOENT), a
// path that cannot be a sockaddr_un fails at once.
func TestConnectUnixErrors(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		start(t, l)
		rec := newRecorder(l)
		got := make(chan error, 1)
		onLoop(t, l, func() {
			if _, err := l.ConnectUnix(filepath.Join(t.TempDir(), "absent.sock"), rec, func(_ Conn, err error) { got <- err }); err != nil {
				t.Error(err)
			}
			for _, bad := range []string{"", "@", "a\x00b", "/" + strings.Repeat("x", 108)} {
				if _, err := l.ConnectUnix(bad, newRecorder(l), func(Conn, error) {}); !errors.Is(err, errUnixPath) {
					t.Errorf("ConnectUnix(%q) = %v, want %v", bad, err, errUnixPath)
				}
			}
		})
		if err := <-got; !errors.Is(err, unix.ENOENT) {
			t.Errorf("connect error %v, want ENOENT", err)
		}
		wait(t, rec.closed, "OnClose after a failed connect")
	})
}
