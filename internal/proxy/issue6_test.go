package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// The issue #6 proxy list through Forward with an Outgoing request, the
// way scripts (zs_reverse_proxy) reach the engine: the server buffers the
// request body, the proxy streams the response. The engine's own handler
// (ServeHTTP1, streamed bodies) is covered by proxy_test.go.

// startForward serves every request with Forward to upstream on backend b,
// the request copied into an Outgoing as the script layer does.
func startForward(tb testing.TB, b loop.Backend, cfg Config, upstream string) (*Proxy, string) {
	tb.Helper()
	p, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	u, err := ParseUpstream(upstream)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := server.New(server.Config{Addr: "127.0.0.1:0", Threads: 1, Backend: b, Limits: http1.Limits{MaxBodyBytes: 16 << 20},
		Handler: server.HandlerFunc(func(w *server.ResponseWriter, r *server.Request) {
			h := r.Header()
			p.Forward(w, r, u, &Outgoing{Method: string(r.MethodName()), Path: string(r.RawPath()), RawQuery: string(r.Query()),
				Header: fieldsOf(h)})
		})})
	if err != nil {
		if errors.Is(err, loop.ErrNotSupported) {
			tb.Skip(err)
		}
		tb.Fatal(err)
	}
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return p, "http://" + s.Addr().String()
}

// TestForwardBodies: 0 B, 1 B, 64 KiB and 5 MiB both ways, fixed and
// chunked, through Forward.
func TestForwardBodies(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil || !bytes.Equal(body, pattern(len(body))) {
				http.Error(w, "bad request body", 500)
				return
			}
			out := pattern(len(body))
			if r.URL.Query().Get("chunked") == "" {
				w.Header().Set("Content-Length", strconv.Itoa(len(out)))
				w.Write(out)
				return
			}
			for len(out) > 0 {
				k := min(len(out), 10000)
				w.Write(out[:k])
				w.(http.Flusher).Flush()
				out = out[k:]
			}
		}))
		_, base := startForward(t, b, Config{}, ts.URL)
		c := client(t)
		for _, size := range []int{0, 1, 64 << 10, 5 << 20} {
			for _, chunked := range []bool{false, true} {
				var body io.Reader = bytes.NewReader(pattern(size))
				url := base + "/echo"
				if chunked {
					body, url = onlyReader{body}, url+"?chunked=1"
				}
				resp, err := c.Post(url, "application/octet-stream", body)
				if err != nil {
					t.Fatalf("%d chunked=%v: %v", size, chunked, err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !bytes.Equal(got, pattern(size)) {
					t.Fatalf("%d chunked=%v: status %d, %d bytes back", size, chunked, resp.StatusCode, len(got))
				}
			}
		}
	})
}

// TestForwardConnections: 1000 sequential requests over a handful of
// upstream connections; an upstream closing idle connections causes no
// 502; an upstream that is down answers 502 at once, a slow one 504.
func TestForwardConnections(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, accepted := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		p, base := startForward(t, b, Config{}, ts.URL)
		c := client(t)
		get := func(base string) int {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		for i := range 1000 {
			if code := get(base); code != 200 {
				t.Fatalf("request %d: %d", i, code)
			}
		}
		if n, s := accepted.Load(), p.Stats(); n > 4 || s.Reuses < 996 {
			t.Errorf("1000 requests over %d upstream connections, stats %+v", n, s)
		}

		closing := rawUpstream(t, func(c net.Conn) { serveKeepAlive(c, 1, false) })
		_, base = startForward(t, b, Config{}, closing)
		for i := range 20 {
			if code := get(base); code != 200 {
				t.Fatalf("upstream closing idle connections, request %d: %d", i, code)
			}
		}

		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := "http://" + ln.Addr().String()
		ln.Close()
		_, base = startForward(t, b, Config{DialTimeout: time.Minute}, down)
		if code := get(base); code != 502 {
			t.Errorf("upstream down: %d, want 502 (not the dial timeout)", code)
		}

		release := make(chan struct{})
		defer close(release)
		slow, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		_, base = startForward(t, b, Config{ReadTimeout: 100 * time.Millisecond}, slow.URL)
		if code := get(base); code != 504 {
			t.Errorf("slow upstream: %d, want 504", code)
		}
	})
}

// TestForwardExpectAndWebSocket: Expect: 100-continue and a WebSocket
// tunnel through Forward.
func TestForwardExpectAndWebSocket(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				fmt.Fprintf(w, "expect=%q body=", r.Header.Get("Expect"))
				io.Copy(w, r.Body)
				return
			}
			c, brw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
				wsAccept(r.Header.Get("Sec-WebSocket-Key")))
			io.Copy(c, brw)
		}))
		_, base := startForward(t, b, Config{}, ts.URL)
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		br := bufio.NewReader(c)
		io.WriteString(c, "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
		if line, err := br.ReadString('\n'); err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("first line %q, %v", line, err)
		}
		br.ReadString('\n') // the blank line after 100 Continue
		io.WriteString(c, "hello")
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(got) != `expect="" body=hello` {
			t.Fatalf("100-continue: %d %q", resp.StatusCode, got)
		}

		const key = "dGhlIHNhbXBsZSBub25jZQ=="
		io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: "+key+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
		resp, err = http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(key) {
			t.Fatalf("handshake: %v %v", resp, err)
		}
		frame := []byte{0x81, 0x85, 1, 2, 3, 4, 'h' ^ 1, 'e' ^ 2, 'l' ^ 3, 'l' ^ 4, 'o' ^ 1}
		c.Write(frame)
		echo := make([]byte, len(frame))
		if _, err := io.ReadFull(br, echo); err != nil || !bytes.Equal(echo, frame) {
			t.Fatalf("echo %q, %v", echo, err)
		}
	})
}

// fieldsOf copies the parsed header fields h as Outgoing fields.
func fieldsOf(h *http1.Headers) []HeaderField {
	var out []HeaderField
	for i := range h.Len() {
		out = append(out, HeaderField{string(h.Name(i)), string(h.Value(i))})
	}
	return out
}
