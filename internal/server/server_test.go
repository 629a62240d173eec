package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
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

// syncBuffer is a bytes.Buffer safe for the log writer and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer starts a server on 127.0.0.1:0 with cfg's handler and
// options on backend b, stopped when the test ends.
func startServer(tb testing.TB, b loop.Backend, cfg Config) *Server {
	tb.Helper()
	cfg.Backend = b
	if cfg.Addr == "" && cfg.TLSAddr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Threads == 0 {
		cfg.Threads = 1
	}
	s, err := New(cfg)
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
	return s
}

// echo answers with the method, path, query and body it got.
var echo = HandlerFunc(func(w *ResponseWriter, r *Request) {
	w.AddHeader("Content-Type", "text/plain")
	fmt.Fprintf(w, "%s %s %s %q", r.MethodName(), r.Path(), r.Query(), r.Body())
})

func dial(tb testing.TB, s *Server) net.Conn {
	tb.Helper()
	c, err := net.DialTimeout("tcp", s.Addr().String(), testTimeout)
	if err != nil {
		tb.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(testTimeout))
	tb.Cleanup(func() { c.Close() })
	return c
}

// readResponse reads one response from br (the request was method).
func readResponse(tb testing.TB, br *bufio.Reader, method string) (*http.Response, string) {
	tb.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		tb.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(body)
}

func TestNetHTTPClient(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo, Threads: 2})
		if s.Backend() != b {
			t.Fatalf("Backend() = %v, want %v", s.Backend(), b)
		}
		client := &http.Client{Timeout: testTimeout}
		for i := range 20 {
			url := fmt.Sprintf("http://%v/a/./b/../c?x=%d", s.Addr(), i)
			resp, err := client.Post(url, "text/plain", strings.NewReader("hello"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := fmt.Sprintf(`POST /a/c x=%d "hello"`, i)
			if resp.StatusCode != 200 || string(body) != want {
				t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, want)
			}
			if resp.Header.Get("Server") != "zeroserve" || resp.Header.Get("Date") == "" {
				t.Fatalf("headers %v", resp.Header)
			}
		}
	})
}
