package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// FuzzUpstreamResponse sends arbitrary upstream bytes through the proxy:
// the client must get a well-formed response head or a closed connection
// (a streamed body cut short), and the proxy must go on serving.
func FuzzUpstreamResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.0 200 OK\r\n\r\nuntil close",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nshort",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"garbage",
	} {
		f.Add([]byte(s))
	}
	current := make(chan []byte, 1)
	up := rawUpstream(f, func(c net.Conn) {
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write(<-current)
	})
	_, base := startProxy(f, loop.Epoll, Config{Upstream: up, ReadTimeout: time.Second})
	addr := strings.TrimPrefix(base, "http://")
	f.Fuzz(func(t *testing.T, data []byte) {
		current <- data
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		got, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("reading the response: %v", err)
		}
		if len(got) > 0 && !bytes.HasPrefix(got, []byte("HTTP/1.1 ")) {
			t.Fatalf("response %q", got)
		}
		if len(got) > 0 {
			if _, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(got)), nil); err != nil {
				t.Fatalf("malformed response head %q: %v", got, err)
			}
		}
		select {
		case <-current: // drop the input if the upstream was never asked
		default:
		}
	})
}

// FuzzConnNames: dropping a Connection value that names only fixed
// hop-by-hop fields (connNames) never changes which fields are dropped.
func FuzzConnNames(f *testing.F) {
	f.Add([]byte("keep-alive"), []byte("X-Foo"))
	f.Add([]byte("Keep-Alive, TE"), []byte("te"))
	f.Add([]byte("close"), []byte("Close"))
	f.Add([]byte("keep-alive, X-Foo"), []byte("x-foo"))
	f.Add([]byte(`"keep-alive,x-foo"`), []byte("x-foo"))
	f.Fuzz(func(t *testing.T, conn, name []byte) {
		if got, want := hopByHop(name, connNames(conn)), hopByHop(name, conn); got != want {
			t.Fatalf("hopByHop(%q) with Connection %q: %v, want %v (connNames %q)", name, conn, got, want, connNames(conn))
		}
	})
}

func TestConnNames(t *testing.T) {
	for _, c := range []struct{ conn, want string }{
		{"keep-alive", ""}, {" Keep-Alive ,\tupgrade", ""}, {"", ""},
		{"close", "close"}, {"keep-alive, X-Foo", "keep-alive, X-Foo"}, {"keep-alive,", "keep-alive,"}, {" ", " "},
	} {
		if got := string(connNames([]byte(c.conn))); got != c.want {
			t.Errorf("connNames(%q) = %q, want %q", c.conn, got, c.want)
		}
	}
}
