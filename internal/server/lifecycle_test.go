package server

import (
	"bufio"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

func TestIdleTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo, IdleTimeout: 50 * time.Millisecond})
		c := dial(t, s)
		br := bufio.NewReader(c)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		readResponse(t, br, "GET")
		// Nothing more is sent: the server closes the idle connection.
		if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
			t.Fatalf("idle close: %q %v", rest, err)
		}
	})
}

// A client that trickles its head (slowloris) gets 408 once the
// read-header timeout passes, however often it sends a byte.
func TestSlowHeader(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo, ReadHeaderTimeout: 100 * time.Millisecond})
		c := dial(t, s)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, ch := range "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 1000) {
				if _, err := c.Write([]byte{byte(ch)}); err != nil {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
		resp, _ := readResponse(t, bufio.NewReader(c), "GET")
		if resp.StatusCode != http.StatusRequestTimeout || !resp.Close {
			t.Fatalf("slow header: %d close=%v", resp.StatusCode, resp.Close)
		}
		c.Close()
		<-done
	})
}

func TestBodyTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo, BodyTimeout: 50 * time.Millisecond})
		c := dial(t, s)
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
		resp, _ := readResponse(t, bufio.NewReader(c), "POST")
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("body timeout: %d", resp.StatusCode)
		}
	})
}

// deferred answers from a timer on the loop, as the reverse proxy will
// from upstream callbacks.
var deferred = HandlerFunc(func(w *ResponseWriter, r *Request) {
	done := w.Defer()
	path := string(r.Path())
	r.Loop().AfterFunc(10*time.Millisecond, func() {
		w := done.Writer()
		if w == nil {
			return
		}
		w.WriteString("late " + path)
		if err := done.Finish(); err != nil {
			panic(err)
		}
		if done.Finish() != ErrConnClosed {
			panic("second Finish accepted")
		}
	})
})

func TestDeferredPipelined(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: deferred})
		c := dial(t, s)
		io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		for _, want := range []string{"late /1", "late /2"} {
			if _, body := readResponse(t, br, "GET"); body != want {
				t.Fatalf("got %q, want %q", body, want)
			}
		}
	})
}

// Shutdown lets a deferred request in flight finish, with Connection:
// close, refuses new connections, and returns once it is done.
func TestGracefulShutdown(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		release := make(chan struct{})
		h := HandlerFunc(func(w *ResponseWriter, r *Request) {
			done := w.Defer()
			lp := r.Loop()
			go func() {
				<-release
				lp.Post(func() {
					done.Writer().WriteString("finished")
					done.Finish()
				})
			}()
		})
		s := startServer(t, b, Config{Handler: h})
		c := dial(t, s)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		idle := dial(t, s)
		time.Sleep(20 * time.Millisecond) // both connections accepted (not a correctness wait)
		shut := make(chan error, 1)
		go func() { shut <- s.Shutdown(testTimeout) }()
		// The idle connection is closed by the drain.
		if rest, err := io.ReadAll(idle); err != nil || len(rest) != 0 {
			t.Fatalf("idle connection: %q %v", rest, err)
		}
		idle.Close() // as clients do on end of stream; the server stops lingering
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned before the request finished: %v", err)
		default:
		}
		close(release)
		resp, body := readResponse(t, bufio.NewReader(c), "GET")
		if body != "finished" || !resp.Close {
			t.Fatalf("in-flight request: %q close=%v", body, resp.Close)
		}
		c.Close()
		if err := <-shut; err != nil {
			t.Fatal(err)
		}
	})
}

func TestAccessLog(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		var log syncBuffer
		s := startServer(t, b, Config{Handler: echo, AccessLog: &log})
		c := dial(t, s)
		io.WriteString(c, "GET /logged?x=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /%zz HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		readResponse(t, br, "GET")
		readResponse(t, br, "GET")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		ok := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z w0-1 127\.0\.0\.1:\d+ http GET /logged\?x=1 200 \d+ \d+us$`)
		bad := regexp.MustCompile(`^\S+ w0-2 127\.0\.0\.1:\d+ - rejected 400$`)
		if len(lines) != 2 || !ok.MatchString(lines[0]) || !bad.MatchString(lines[1]) {
			t.Fatalf("access log:\n%s", log.String())
		}
	})
}

// openConns returns the number of connections the workers hold.
func openConns(t *testing.T, s *Server) int {
	t.Helper()
	n := 0
	for _, w := range s.workers {
		ch := make(chan int, 1)
		if !w.lp.Post(func() { ch <- len(w.conns) }) {
			t.Fatal("loop stopped")
		}
		n += <-ch
	}
	return n
}

// waitConns waits until the workers hold n connections (failing after
// testTimeout).
func waitConns(t *testing.T, s *Server, n int) {
	t.Helper()
	for deadline := time.Now().Add(testTimeout); openConns(t, s) != n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, want %d", openConns(t, s), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A client that stops reading a large response is dropped after the write
// timeout.
func TestWriteTimeout(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		big := strings.Repeat("x", 16<<20)
		h := HandlerFunc(func(w *ResponseWriter, r *Request) { w.WriteString(big) })
		s := startServer(t, b, Config{Handler: h, WriteTimeout: 50 * time.Millisecond})
		c := dial(t, s)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		waitConns(t, s, 1)
		waitConns(t, s, 0) // never read: the server gives up
	})
}

// A deferred handler learns that its client went away.
func TestDeferredAbort(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		aborted := make(chan bool, 1)
		h := HandlerFunc(func(w *ResponseWriter, r *Request) {
			done := w.Defer()
			w.OnAbort(func() { aborted <- done.Writer() == nil && done.Finish() == ErrConnClosed })
		})
		s := startServer(t, b, Config{Handler: h})
		c := dial(t, s)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		waitConns(t, s, 1)
		c.Close()
		select {
		case ok := <-aborted:
			if !ok {
				t.Fatal("Completion still live in OnAbort")
			}
		case <-time.After(testTimeout):
			t.Fatal("OnAbort not called")
		}
	})
}

// Finish may be called before ServeHTTP1 returns.
func TestDeferredFinishedAtOnce(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		h := HandlerFunc(func(w *ResponseWriter, r *Request) {
			done := w.Defer()
			w.Write(r.Path())
			if err := done.Finish(); err != nil {
				t.Error(err)
			}
		})
		s := startServer(t, b, Config{Handler: h})
		c := dial(t, s)
		io.WriteString(c, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		for _, want := range []string{"/1", "/2"} {
			if _, body := readResponse(t, br, "GET"); body != want {
				t.Fatalf("got %q, want %q", body, want)
			}
		}
	})
}
