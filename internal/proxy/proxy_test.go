package proxy

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
	"golang.org/x/sys/unix"
)

// testTimeout bounds every wait in these tests: a failure deadline, not a
// way to wait for something.
const testTimeout = 20 * time.Second

// backends runs fn once per backend; io_uring skips only when unsupported.
func backends(t *testing.T, fn func(t *testing.T, b loop.Backend)) {
	for _, b := range []loop.Backend{loop.IOUring, loop.Epoll} {
		t.Run(b.String(), func(t *testing.T) { fn(t, b) })
	}
}

// startProxy starts a zeroserve server on 127.0.0.1:0 on backend b whose
// handler is a Proxy built from cfg; it returns the proxy and its base URL.
func startProxy(tb testing.TB, b loop.Backend, cfg Config) (*Proxy, string) {
	tb.Helper()
	p, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := server.New(server.Config{
		Addr: "127.0.0.1:0", Threads: 1, Backend: b, Handler: p,
		Limits: http1.Limits{MaxBodyBytes: 16 << 20},
	})
	if err != nil {
		if errors.Is(err, loop.ErrNotSupported) {
			tb.Skipf("backend %v: %v", b, err)
		}
		tb.Fatal(err)
	}
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		done := make(chan error, 1)
		go func() { done <- s.Close() }()
		select {
		case err := <-done:
			if err != nil {
				tb.Error(err)
			}
		case <-time.After(testTimeout):
			tb.Error("server did not stop")
		}
	})
	return p, "http://" + s.Addr().String()
}

// countingUpstream starts a net/http upstream and counts the connections
// it accepts.
func countingUpstream(tb testing.TB, h http.Handler) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var n atomic.Int64
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	ts.Start()
	tb.Cleanup(ts.Close)
	return ts, &n
}

// client returns a keep-alive HTTP client for the tests.
func client(tb testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: testTimeout}
}

// rawUpstream starts a TCP listener that runs serve on every accepted
// connection, and returns its "http://addr".
func rawUpstream(tb testing.TB, serve func(c net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(testTimeout))
				serve(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// rawRequest sends req on a new connection to addr and returns everything
// read until the server closes the connection.
func rawRequest(t *testing.T, base, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRewrite(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		seen := make(chan *http.Request, 1)
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen <- r
			w.Header().Set("Keep-Alive", "timeout=5")
			w.Header().Set("X-Up", "yes")
			w.Header().Set("Proxy-Foo", "no")
			io.WriteString(w, "hello")
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL + "/base/?x=1"})
		resp := rawRequest(t, base, "GET /a/./b%20c/../d?y=2 HTTP/1.1\r\n"+
			"Host: example.com:8443\r\n"+
			"Connection: close, X-Hop\r\n"+
			"X-Hop: secret\r\n"+
			"Keep-Alive: timeout=1\r\n"+
			"TE: trailers\r\n"+
			"Upgrade: h2c\r\n"+
			"Proxy-Authorization: Basic eA==\r\n"+
			"Cookie: a=1\r\n"+
			"X-Custom: kept\r\n"+
			"Cookie: b=2\r\n"+
			"\r\n")
		r := <-seen
		if r.RequestURI != "/base/a/d?x=1&y=2" {
			t.Errorf("upstream request-target %q, want /base/a/d?x=1&y=2", r.RequestURI)
		}
		if r.Host != "example.com:8443" {
			t.Errorf("upstream Host %q", r.Host)
		}
		want := map[string]string{
			"X-Forwarded-For":     "127.0.0.1",
			"X-Forwarded-Proto":   "http",
			"X-Forwarded-Host":    "example.com:8443",
			"Cookie":              "a=1; b=2",
			"X-Custom":            "kept",
			"X-Hop":               "",
			"Keep-Alive":          "",
			"Te":                  "",
			"Upgrade":             "",
			"Proxy-Authorization": "",
		}
		for k, v := range want {
			if got := strings.Join(r.Header.Values(k), "|"); got != v {
				t.Errorf("upstream %s = %q, want %q", k, got, v)
			}
		}
		if !strings.HasPrefix(resp, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(resp, "\r\n\r\nhello") {
			t.Fatalf("response %q", resp)
		}
		if !strings.Contains(resp, "X-Up: yes\r\n") || strings.Contains(resp, "Keep-Alive") || strings.Contains(resp, "Proxy-Foo") {
			t.Errorf("response header relaying: %q", resp)
		}
	})
}

func TestForwardedKept(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		seen := make(chan http.Header, 1)
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen <- r.Header }))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		rawRequest(t, base, "GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: orig\r\nConnection: close\r\n\r\n")
		h := <-seen
		for k, v := range map[string]string{"X-Forwarded-For": "10.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "orig"} {
			if got := strings.Join(h.Values(k), "|"); got != v {
				t.Errorf("%s = %q, want %q (present fields are kept)", k, got, v)
			}
		}
	})
}

// pattern returns n deterministic bytes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

// onlyReader hides a reader's length so net/http sends it chunked.
type onlyReader struct{ io.Reader }

func TestBodies(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			want, _ := strconv.Atoi(r.URL.Query().Get("in"))
			if !bytes.Equal(body, pattern(want)) {
				http.Error(w, fmt.Sprintf("upstream got %d bytes (chunked %v), want %d", len(body), r.TransferEncoding, want), 500)
				return
			}
			// Fixed bodies keep their length, chunked ones are streamed
			// chunked.
			if r.URL.Query().Get("reqchunked") != "" && want > 0 {
				if len(r.TransferEncoding) != 1 {
					http.Error(w, "chunked request body not forwarded chunked", 500)
					return
				}
			} else if r.Header.Get("Content-Length") != strconv.Itoa(want) && want > 0 {
				http.Error(w, "upstream request without Content-Length: "+r.Header.Get("Content-Length"), 500)
				return
			}
			n, _ := strconv.Atoi(r.URL.Query().Get("out"))
			out := pattern(n)
			if r.URL.Query().Get("chunked") == "" {
				w.Header().Set("Content-Length", strconv.Itoa(n))
				w.Write(out)
				return
			}
			for len(out) > 0 { // several chunks
				k := min(len(out), 10000)
				w.Write(out[:k])
				w.(http.Flusher).Flush()
				out = out[k:]
			}
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		c := client(t)
		for _, size := range []int{0, 1, 64 << 10, 5 << 20} {
			for _, reqChunked := range []bool{false, true} {
				for _, respChunked := range []bool{false, true} {
					name := fmt.Sprintf("%d/reqchunked=%v/respchunked=%v", size, reqChunked, respChunked)
					url := fmt.Sprintf("%s/echo?in=%d&out=%d", base, size, size)
					if respChunked {
						url += "&chunked=1"
					}
					if reqChunked {
						url += "&reqchunked=1"
					}
					var body io.Reader = bytes.NewReader(pattern(size))
					if reqChunked {
						body = onlyReader{body}
					}
					req, _ := http.NewRequest("POST", url, body)
					resp, err := c.Do(req)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					got, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if resp.StatusCode != 200 {
						t.Fatalf("%s: status %d: %.200s", name, resp.StatusCode, got)
					}
					if !bytes.Equal(got, pattern(size)) {
						t.Fatalf("%s: response body of %d bytes differs", name, len(got))
					}
					// Fixed bodies keep their length; chunked ones are
					// streamed chunked.
					if want := int64(size); respChunked && size > 0 {
						want = -1
						if resp.ContentLength != want {
							t.Errorf("%s: client Content-Length %d, want %d", name, resp.ContentLength, want)
						}
					} else if resp.ContentLength != want {
						t.Errorf("%s: client Content-Length %d, want %d", name, resp.ContentLength, want)
					}
				}
			}
		}
	})
}

func TestUpstreamDown(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		// A long DialTimeout: a 502 (not 504) shows the refusal itself
		// answered the request.
		_, base := startProxy(t, b, Config{Upstream: "http://" + addr, DialTimeout: time.Minute})
		c := client(t)
		for i := 0; i < 3; i++ {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 502 {
				t.Fatalf("status %d, want 502", resp.StatusCode)
			}
		}
	})
}

func TestSlowUpstream(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		release := make(chan struct{})
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer close(release)
		p, base := startProxy(t, b, Config{Upstream: ts.URL, ReadTimeout: 100 * time.Millisecond})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 504 {
			t.Fatalf("status %d, want 504", resp.StatusCode)
		}
		if s := p.Stats(); s.Dials != 1 {
			t.Errorf("stats %+v", s)
		}
	})
}

// TestSlowUpstreamAfterFastOne: an exchange keeps its read timer running
// across requests; the timer a fast request armed neither cuts the next
// request short nor lets it wait past ReadTimeout, whether it fires
// during that request or before it.
func TestSlowUpstreamAfterFastOne(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		release := make(chan struct{})
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/fast" {
				io.WriteString(w, "ok")
				return
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer close(release)
		const timeout = 100 * time.Millisecond
		_, base := startProxy(t, b, Config{Upstream: ts.URL, ReadTimeout: timeout})
		c := client(t)
		for _, pause := range []time.Duration{0, 2 * timeout} {
			resp, err := c.Get(base + "/fast")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("fast: status %d", resp.StatusCode)
			}
			time.Sleep(pause)
			start := time.Now()
			resp, err = c.Get(base + "/slow")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if took := time.Since(start); resp.StatusCode != 504 || took < timeout {
				t.Fatalf("pause %v: slow: status %d after %v, want 504 after %v", pause, resp.StatusCode, took, timeout)
			}
		}
	})
}

// serveKeepAlive answers requests on c with "ok" until answered reaches
// limit, then closes c (after reading the next request head when
// readNext is set: the request the proxy sent as the close raced it).
func serveKeepAlive(c net.Conn, limit int, readNext bool) {
	br := bufio.NewReader(c)
	for i := 0; ; i++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		if i == limit {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		if i+1 == limit && !readNext {
			return
		}
	}
}

func TestUpstreamClosesIdle(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		// The upstream closes each connection right after one response: the
		// proxy sees the close while the connection is idle.
		up := rawUpstream(t, func(c net.Conn) { serveKeepAlive(c, 1, false) })
		p, base := startProxy(t, b, Config{Upstream: up})
		c := client(t)
		for i := 0; i < 20; i++ {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("request %d: status %d", i, resp.StatusCode)
			}
			time.Sleep(2 * time.Millisecond) // let the close arrive
		}
		t.Logf("stats %+v", p.Stats())
	})
}

func TestRetryRace(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		// The upstream reads the second request on each connection and
		// closes without answering: the close raced the request.
		up := rawUpstream(t, func(c net.Conn) { serveKeepAlive(c, 1, true) })
		p, base := startProxy(t, b, Config{Upstream: up})
		c := client(t)
		for i := 0; i < 10; i++ {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("GET %d: status %d, want 200 (retried)", i, resp.StatusCode)
			}
		}
		s := p.Stats()
		if s.Retries != 9 {
			t.Errorf("stats %+v, want 9 retries", s)
		}
		// A POST is not retried: the upstream might have acted on it.
		resp, err := c.Post(base+"/", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 {
			t.Errorf("POST on a raced connection: status %d, want 502", resp.StatusCode)
		}
	})
}

func TestReuse(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, accepted := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok")
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		c := client(t)
		for i := 0; i < 1000; i++ {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("request %d: status %d", i, resp.StatusCode)
			}
		}
		s := p.Stats()
		t.Logf("1000 requests: %d upstream connections accepted, stats %+v", accepted.Load(), s)
		if n := accepted.Load(); n > 4 || s.Reuses < 996 {
			t.Errorf("%d upstream connections for 1000 sequential requests, stats %+v", n, s)
		}
	})
}

func TestInterimAndCloseDelimited(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		up := rawUpstream(t, func(c net.Conn) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"+
				"HTTP/1.1 201 Created\r\nX-Final: 1\r\n\r\nuntil close")
		})
		_, base := startProxy(t, b, Config{Upstream: up})
		resp := rawRequest(t, base, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		// The close-delimited body is streamed chunked.
		if !strings.HasPrefix(resp, "HTTP/1.1 201 Created\r\n") || !strings.HasSuffix(resp, "\r\n\r\nb\r\nuntil close\r\n0\r\n\r\n") ||
			!strings.Contains(resp, "Transfer-Encoding: chunked\r\n") || strings.Contains(resp, "Link") {
			t.Fatalf("response %q", resp)
		}
	})
}

func TestExpectContinue(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		seen := make(chan http.Header, 1)
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen <- r.Header
			io.Copy(w, r.Body)
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		io.WriteString(c, "PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("first line %q, %v", line, err)
		}
		io.WriteString(c, "hello")
		rest, _ := io.ReadAll(br)
		if !strings.HasSuffix(string(rest), "\r\n\r\nhello") {
			t.Fatalf("response %q", rest)
		}
		if h := <-seen; h.Get("Expect") != "" {
			t.Errorf("upstream saw Expect %q", h.Get("Expect"))
		}
	})
}

func TestEarlyResponse(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, accepted := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > 1<<20 {
				http.Error(w, "too big", http.StatusRequestEntityTooLarge)
				return
			}
			io.WriteString(w, "ok")
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		c := client(t)
		resp, err := c.Post(base+"/", "application/octet-stream", bytes.NewReader(pattern(5<<20)))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || string(got) != "too big\n" {
			t.Fatalf("status %d body %q, want the upstream's 413", resp.StatusCode, got)
		}
		resp, err = c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || accepted.Load() != 2 {
			t.Errorf("after the early response: status %d, %d connections (want a new one), stats %+v", resp.StatusCode, accepted.Load(), p.Stats())
		}
	})
}

// wsAccept is the Sec-WebSocket-Accept value for key (RFC 6455 §4.2.2).
func wsAccept(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC11B63"))
	return base64.StdEncoding.EncodeToString(h[:])
}

func TestWebSocket(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[secure], func(t *testing.T) { testWebSocket(t, secure) })
	}
}

// testWebSocket tunnels a WebSocket to a plain or TLS upstream.
func testWebSocket(t *testing.T, secure bool) {
	backends(t, func(t *testing.T, b loop.Backend) {
		seen, ended := make(chan http.Header, 1), make(chan struct{})
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(ended)
			seen <- r.Header.Clone()
			if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				http.Error(w, "not an upgrade", 400)
				return
			}
			c, brw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			fmt.Fprintf(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
				wsAccept(r.Header.Get("Sec-WebSocket-Key")))
			io.Copy(c, brw) // echo every frame as it is
		}))
		cfg := Config{}
		if secure {
			ts.StartTLS()
			roots := x509.NewCertPool()
			roots.AddCert(ts.Certificate())
			cfg.TLS = &tls.Config{RootCAs: roots}
		} else {
			ts.Start()
		}
		defer ts.Close()
		cfg.Upstream = ts.URL
		_, base := startProxy(t, b, cfg)
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		const key = "dGhlIHNhbXBsZSBub25jZQ=="
		io.WriteString(c, "GET /chat HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"+
			"Sec-WebSocket-Key: "+key+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(key) ||
			!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") || !strings.EqualFold(resp.Header.Get("Connection"), "upgrade") {
			t.Fatalf("handshake: %d %v", resp.StatusCode, resp.Header)
		}
		if h := <-seen; h.Get("Sec-WebSocket-Key") != key || !strings.EqualFold(h.Get("Connection"), "upgrade") {
			t.Errorf("upstream handshake headers %v", h)
		}
		// Masked text frames, echoed byte for byte, one small and one of
		// 1 MiB (extended 64-bit length) to exercise both pauses.
		for _, n := range []int{5, 1 << 20} {
			payload := bytes.Repeat([]byte("hello"), n/5+1)[:n]
			frame := []byte{0x81}
			switch {
			case n < 126:
				frame = append(frame, 0x80|byte(n))
			default:
				frame = append(frame, 0x80|127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
			}
			mask := []byte{1, 2, 3, 4}
			frame = append(frame, mask...)
			for i, c := range payload {
				frame = append(frame, c^mask[i%4])
			}
			go c.Write(frame)
			got := make([]byte, len(frame))
			if _, err := io.ReadFull(br, got); err != nil || !bytes.Equal(got, frame) {
				t.Fatalf("echo of a %d-byte frame: %v", n, err)
			}
		}
		c.Close()
		select {
		case <-ended: // the client's close reached the upstream
		case <-time.After(testTimeout):
			t.Fatal("upstream side of the tunnel not closed after the client left")
		}
	})
}

func TestBadUpstreamResponse(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		up := rawUpstream(t, func(c net.Conn) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n")
		})
		_, base := startProxy(t, b, Config{Upstream: up})
		if resp := rawRequest(t, base, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(resp, "HTTP/1.1 502 ") {
			t.Fatalf("response %q", resp)
		}
		// A body cut short by the upstream's close is 502 too.
		up = rawUpstream(t, func(c net.Conn) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
		})
		_, base = startProxy(t, b, Config{Upstream: up})
		if resp := rawRequest(t, base, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"); !strings.HasPrefix(resp, "HTTP/1.1 502 ") {
			t.Fatalf("truncated body: response %q", resp)
		}
	})
}

func TestClientGone(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		arrived, cancelled := make(chan struct{}, 1), make(chan struct{}, 1)
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/slow" {
				return
			}
			arrived <- struct{}{}
			<-r.Context().Done() // the proxy closed the upstream connection
			cancelled <- struct{}{}
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
		select {
		case <-arrived:
		case <-time.After(testTimeout):
			t.Fatal("request did not reach the upstream")
		}
		c.Close()
		select {
		case <-cancelled:
		case <-time.After(testTimeout):
			t.Fatal("upstream request not cancelled after the client went away")
		}
		// The proxy still serves.
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("status %d after an aborted request", resp.StatusCode)
		}
		t.Logf("stats %+v", p.Stats())
	})
}

func TestForward(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		var ups [2]*Upstream
		for i := range ups {
			ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("X-Script") != "" {
					b, _ := io.ReadAll(r.Body)
					fmt.Fprintf(w, "%s %s host=%s cookie=%s conn=%q body=%s", r.Method, r.URL.RequestURI(), r.Host,
						r.Header.Get("Cookie"), r.Header.Get("Connection"), b)
					return
				}
				fmt.Fprintf(w, "upstream %d saw %s", i, r.URL.RequestURI())
			}))
			u, err := ParseUpstream(ts.URL + "/u" + strconv.Itoa(i))
			if err != nil {
				t.Fatal(err)
			}
			ups[i] = u
		}
		unresolved, err := ParseUpstream("http://upstream.invalid")
		if err != nil {
			t.Fatal(err)
		}
		p, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := server.New(server.Config{Addr: "127.0.0.1:0", Threads: 1, Backend: b,
			Handler: server.HandlerFunc(func(w *server.ResponseWriter, r *server.Request) {
				switch string(r.Path()) {
				case "/0":
					p.Forward(w, r, ups[0], nil)
				case "/1":
					p.Forward(w, r, ups[1], nil)
				case "/none":
					p.ServeHTTP1(w, r)
				case "/out", "/badout":
					value := "1"
					if string(r.Path()) == "/badout" {
						value = "1\r\nX-Injected: 1"
					}
					p.Forward(w, r, ups[0], &Outgoing{Method: "PUT", Path: "/changed/./%41", RawQuery: "q=1",
						Header: []HeaderField{{"Host", "scripted.example"}, {"X-Script", value}, {"Cookie", "a=1"},
							{"Connection", "close"}, {"Cookie", "b=2"}}})
				default:
					p.Forward(w, r, unresolved, nil)
				}
			})})
		if err != nil {
			if errors.Is(err, loop.ErrNotSupported) {
				t.Skip(err)
			}
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c := client(t)
		for _, tc := range []struct {
			path   string
			status int
			body   string
		}{
			{"/0", 200, "upstream 0 saw /u0/0"},
			{"/1", 200, "upstream 1 saw /u1/1"},
			{"/0", 200, "upstream 0 saw /u0/0"},
			{"/none", 500, ""},
			{"/x", 502, ""},
			{"/out", 200, `PUT /u0/changed/%41?q=1 host=scripted.example cookie=a=1; b=2 conn="" body=`},
			{"/badout", 500, ""},
		} {
			resp, err := c.Get("http://" + s.Addr().String() + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || tc.body != "" && string(got) != tc.body {
				t.Errorf("%s: %d %q, want %d %q", tc.path, resp.StatusCode, got, tc.status, tc.body)
			}
		}
		if st := p.Stats(); st.Dials != 2 || st.Reuses != 2 {
			t.Errorf("stats %+v, want 2 dials (one per upstream) and 2 reuses", st)
		}
	})
}

func TestConcurrent(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, accepted := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, r.Body)
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL, MaxIdleConns: 4})
		const clients, each = 16, 25
		errs := make(chan error, clients)
		for i := 0; i < clients; i++ {
			go func() {
				c := &http.Client{Transport: &http.Transport{}, Timeout: testTimeout}
				defer c.Transport.(*http.Transport).CloseIdleConnections()
				for j := 0; j < each; j++ {
					msg := fmt.Sprintf("client %d request %d", i, j)
					resp, err := c.Post(base+"/", "text/plain", strings.NewReader(msg))
					if err != nil {
						errs <- err
						return
					}
					got, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(got) != msg {
						errs <- fmt.Errorf("%s: got %q, %v", msg, got, err)
						return
					}
				}
				errs <- nil
			}()
		}
		for i := 0; i < clients; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		s := p.Stats()
		t.Logf("%d requests from %d clients: %d upstream connections, stats %+v", clients*each, clients, accepted.Load(), s)
		if s.Dials+s.Reuses != clients*each+s.Retries || int64(s.Dials) != accepted.Load() {
			t.Errorf("stats %+v do not add up (%d accepted)", s, accepted.Load())
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		closed := make(chan struct{}, 4)
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateClosed {
				closed <- struct{}{}
			}
		}
		ts.Start()
		defer ts.Close()
		_, base := startProxy(t, b, Config{Upstream: ts.URL, IdleTimeout: 50 * time.Millisecond})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		select {
		case <-closed: // the proxy closed its idle pooled connection
		case <-time.After(testTimeout):
			t.Fatal("idle upstream connection not closed")
		}
	})
}

func TestStreamedResponse(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		release := make(chan struct{})
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/fixed" {
				w.Header().Set("Content-Length", "200000")
			}
			w.Write(bytes.Repeat([]byte("a"), 100000))
			w.(http.Flusher).Flush()
			<-release // the client must see the first part before the rest exists
			w.Write(bytes.Repeat([]byte("b"), 100000))
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		c := client(t)
		for _, path := range []string{"/chunked", "/fixed"} {
			resp, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			first := make([]byte, 100000)
			if _, err := io.ReadFull(resp.Body, first); err != nil || first[99999] != 'a' {
				t.Fatalf("%s: first part: %v", path, err)
			}
			release <- struct{}{}
			rest, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || len(rest) != 100000 || rest[0] != 'b' {
				t.Fatalf("%s: rest %d bytes, %v", path, len(rest), err)
			}
			if path == "/fixed" && resp.ContentLength != 200000 || path == "/chunked" && resp.ContentLength != -1 {
				t.Errorf("%s: Content-Length %d", path, resp.ContentLength)
			}
		}
	})
}

func TestStreamCutShort(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		up := rawUpstream(t, func(c net.Conn) {
			if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
			c.Write(make([]byte, 70000))
		})
		_, base := startProxy(t, b, Config{Upstream: up})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || err == nil || len(got) != 70000 {
			t.Fatalf("status %d, %d bytes, error %v: want the cut visible to the client", resp.StatusCode, len(got), err)
		}
	})
}

func TestPipelined(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, r.URL.Path)
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		resp := rawRequest(t, base, "GET /one HTTP/1.1\r\nHost: h\r\n\r\nHEAD /two HTTP/1.1\r\nHost: h\r\n\r\n"+
			"GET /three HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
		if n := strings.Count(resp, "HTTP/1.1 200 OK\r\n"); n != 3 || !strings.Contains(resp, "\r\n\r\n/one") ||
			!strings.HasSuffix(resp, "\r\n\r\n/three") || strings.Contains(resp, "/two") ||
			!strings.Contains(resp, "Content-Length: 4\r\n") {
			t.Fatalf("pipelined responses %q", resp)
		}
	})
}

func TestBackpressure(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		const size = 32 << 20
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := bytes.Repeat([]byte("x"), 64<<10)
			for n := 0; n < size; n += len(buf) {
				if _, err := w.Write(buf); err != nil {
					return
				}
			}
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		// Not reading: the proxy must stop reading from the upstream.
		deadline := time.Now().Add(testTimeout)
		for p.Stats().Pauses == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the proxy never paused its upstream for a client that does not read")
			}
			time.Sleep(5 * time.Millisecond)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil || n != size {
			t.Fatalf("read %d bytes, %v", n, err)
		}
		t.Logf("stats %+v", p.Stats())
	})
}

func TestDialTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		// A listener that never accepts, with a backlog of one, already
		// holding a connection: the kernel drops further SYNs, so a connect
		// neither succeeds nor fails.
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		if err := unix.Listen(fd, 0); err != nil {
			t.Fatal(err)
		}
		sa, _ := unix.Getsockname(fd)
		addr := fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
		for i := 0; i < 2; i++ {
			if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
				defer c.Close()
			}
		}
		// A 504 long before ReadTimeout can only come from DialTimeout.
		p, base := startProxy(t, b, Config{Upstream: "http://" + addr, DialTimeout: 100 * time.Millisecond, ReadTimeout: time.Hour})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 504 {
			t.Fatalf("status %d, want 504 (stats %+v)", resp.StatusCode, p.Stats())
		}
	})
}

func TestStreamedRequest(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		firstSeen := make(chan struct{})
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			first := make([]byte, 1000)
			if _, err := io.ReadFull(r.Body, first); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			close(firstSeen) // the client has not sent the rest yet
			rest, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			fmt.Fprintf(w, "%d+%d", len(first), len(rest))
		}))
		_, base := startProxy(t, b, Config{Upstream: ts.URL})
		pr, pw := io.Pipe()
		go func() {
			pw.Write(make([]byte, 1000))
			select {
			case <-firstSeen:
				pw.Write(make([]byte, 5000))
				pw.Close()
			case <-time.After(testTimeout):
				pw.CloseWithError(errors.New("the upstream never saw the first part"))
			}
		}()
		resp, err := client(t).Post(base+"/", "application/octet-stream", pr)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(got) != "1000+5000" {
			t.Fatalf("status %d %q", resp.StatusCode, got)
		}
	})
}

func TestEarlyResponseMidUpload(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, accepted := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/upload" {
				w.Header().Set("Connection", "close")
				http.Error(w, "too big", http.StatusRequestEntityTooLarge)
				return
			}
			io.WriteString(w, "ok")
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		// The client sends the head and part of a large body, then waits
		// for the answer before sending more.
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		io.WriteString(c, "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n")
		c.Write(make([]byte, 100000))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 413 || string(got) != "too big\n" || !resp.Close {
			t.Fatalf("status %d %q close=%v, want the upstream's 413 and Connection: close", resp.StatusCode, got, resp.Close)
		}
		r2, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != 200 || accepted.Load() != 2 {
			t.Errorf("after the early response: status %d, %d upstream connections (want a new one), stats %+v", r2.StatusCode, accepted.Load(), p.Stats())
		}
	})
}

func TestUploadBackpressure(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		const size = 12 << 20 // within the server's MaxBodyBytes here
		var p *Proxy
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Not reading until the proxy has paused the client's body.
			deadline := time.Now().Add(testTimeout)
			for p.Stats().Pauses == 0 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			n, _ := io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, "%d %d", n, p.Stats().Pauses)
		}))
		p, base := startProxy(t, b, Config{Upstream: ts.URL})
		resp, err := client(t).Post(base+"/", "application/octet-stream", bytes.NewReader(make([]byte, size)))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var n, pauses int
		fmt.Sscanf(string(got), "%d %d", &n, &pauses)
		if n != size || pauses == 0 {
			t.Fatalf("upstream read %d bytes after %d pauses (%q)", n, pauses, got)
		}
		t.Logf("stats %+v", p.Stats())
	})
}
