package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// unixUpstream serves h on a Unix socket in a temporary directory and
// returns its "unix//path" upstream URL and a count of accepted
// connections.
func unixUpstream(tb testing.TB, h http.Handler) (string, *atomic.Int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "up.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		tb.Fatal(err)
	}
	var n atomic.Int64
	srv := &http.Server{Handler: h, ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "unix/" + path, &n
}

// TestUnixUpstream proxies to a Unix socket upstream on both loops: bodies
// both ways, the client's Host kept, connections reused, a WebSocket
// tunnel, and 502 once the socket is gone.
func TestUnixUpstream(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		up, accepted := unixUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				c, brw, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer c.Close()
				fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
					wsAccept(r.Header.Get("Sec-WebSocket-Key")))
				io.Copy(c, brw)
				return
			}
			// Echo as the body arrives: the response streams back while
			// the request body is still being forwarded.
			http.NewResponseController(w).EnableFullDuplex()
			w.Header().Set("X-Host", r.Host)
			w.Header().Set("X-Forwarded-For-Seen", r.Header.Get("X-Forwarded-For"))
			io.Copy(w, r.Body)
		}))
		p, base := startProxy(t, b, Config{Upstream: up})
		c := client(t)
		for _, size := range []int{0, 1, 64 << 10, 5 << 20} {
			req, _ := http.NewRequest("POST", base+"/echo", bytes.NewReader(pattern(size)))
			req.Host = "example.test"
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("%d bytes: %v", size, err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !bytes.Equal(got, pattern(size)) {
				t.Fatalf("%d bytes: status %d, %d bytes back", size, resp.StatusCode, len(got))
			}
			if h, xff := resp.Header.Get("X-Host"), resp.Header.Get("X-Forwarded-For-Seen"); h != "example.test" || xff != "127.0.0.1" {
				t.Fatalf("upstream saw Host %q, X-Forwarded-For %q", h, xff)
			}
		}
		for i := 0; i < 200; i++ {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n, s := accepted.Load(), p.Stats(); n > 2 || s.Reuses < 200 {
			t.Errorf("204 requests over %d unix connections, stats %+v", n, s)
		}

		// A WebSocket through the Unix socket.
		wc, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer wc.Close()
		wc.SetDeadline(time.Now().Add(testTimeout))
		const key = "dGhlIHNhbXBsZSBub25jZQ=="
		io.WriteString(wc, "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: "+key+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
		br := bufio.NewReader(wc)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(key) {
			t.Fatalf("handshake: %v %v", resp, err)
		}
		frame := []byte{0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1}
		wc.Write(frame)
		got := make([]byte, len(frame))
		if _, err := io.ReadFull(br, got); err != nil || !bytes.Equal(got, frame) {
			t.Fatalf("echo: %q, %v", got, err)
		}
	})
}

// TestUnixUpstreamMissing: a socket path nothing listens on answers 502.
func TestUnixUpstreamMissing(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		_, base := startProxy(t, b, Config{Upstream: "unix/" + filepath.Join(t.TempDir(), "absent.sock"), DialTimeout: time.Minute})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 {
			t.Fatalf("status %d, want 502", resp.StatusCode)
		}
	})
}
