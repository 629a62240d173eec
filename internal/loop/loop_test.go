package loop

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testTimeout bounds every wait in these tests; it is a failure deadline,
// not a way to wait for something to happen.
const testTimeout = 20 * time.Second

// backends runs fn once per backend as subtests; io_uring skips only when
// it is not supported here.
func backends(t *testing.T, fn func(t *testing.T, b Backend)) {
	for _, b := range []Backend{IOUring, Epoll} {
		t.Run(b.String(), func(t *testing.T) { fn(t, b) })
	}
}

// newLoop creates a loop on backend b and registers its cleanup (Stop and
// wait for Run, or Free if it never ran).
func newLoop(tb testing.TB, b Backend) *Loop {
	tb.Helper()
	return newLoopOpts(tb, Options{Backend: b})
}

func newLoopOpts(tb testing.TB, opts Options) *Loop {
	tb.Helper()
	b := opts.Backend
	l, err := New(opts)
	if err != nil {
		if errors.Is(err, ErrNotSupported) {
			tb.Skipf("backend %v: %v", b, err)
		}
		tb.Fatal(err)
	}
	if got := l.Backend(); got != b {
		tb.Fatalf("Backend() = %v, want %v", got, b)
	}
	return l
}

// start runs l in a goroutine; the returned func stops it and returns Run's
// error. Cleanup stops it too.
func start(tb testing.TB, l *Loop) func() error {
	tb.Helper()
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			l.Stop()
			select {
			case err = <-done:
			case <-time.After(testTimeout):
				err = errors.New("Run did not return after Stop")
			}
		})
		return err
	}
	tb.Cleanup(func() {
		if err := stop(); err != nil {
			tb.Error(err)
		}
	})
	return stop
}

// onLoop runs f on l's goroutine and waits for it.
func onLoop(tb testing.TB, l *Loop, f func()) {
	tb.Helper()
	done := make(chan struct{})
	if !l.Post(func() { f(); close(done) }) {
		tb.Fatal("Post refused")
	}
	wait(tb, done, "posted function")
}

func wait(tb testing.TB, ch <-chan struct{}, what string) {
	tb.Helper()
	select {
	case <-ch:
	case <-time.After(testTimeout):
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// echoServer echoes every connection's bytes back; on the peer's end of
// stream it shuts down its side after the echo is sent, then closes.
type echoServer struct {
	l      *Loop
	conns  map[Conn]*echoConn // loop goroutine only
	opened atomic.Int64
	closed atomic.Int64
	errs   chan error
}

type echoConn struct {
	inflight int
	eof      bool
}

func newEchoServer(l *Loop) *echoServer {
	return &echoServer{l: l, conns: map[Conn]*echoConn{}, errs: make(chan error, 100)}
}

func (e *echoServer) accept(c Conn, err error) Handler {
	if err != nil {
		e.errs <- err
		return nil
	}
	e.opened.Add(1)
	e.conns[c] = &echoConn{}
	return e
}

func (e *echoServer) OnRecv(c Conn, b []byte, err error) {
	ec := e.conns[c]
	if err != nil {
		if err != io.EOF {
			e.l.Close(c)
			return
		}
		ec.eof = true
		e.l.Shutdown(c)
		if ec.inflight == 0 {
			e.l.Close(c)
		}
		return
	}
	if err := e.l.Send(c, bytes.Clone(b)); err != nil {
		e.errs <- err
		return
	}
	ec.inflight++
}

func (e *echoServer) OnSend(c Conn, err error) {
	ec := e.conns[c]
	ec.inflight--
	if err != nil && err != ErrClosed {
		e.errs <- err
	}
	if ec.eof && ec.inflight == 0 {
		e.l.Close(c)
	}
}

func (e *echoServer) OnClose(c Conn) {
	delete(e.conns, c)
	e.closed.Add(1)
}

// listenEcho starts an echo server on 127.0.0.1:0 and returns its address.
func listenEcho(t *testing.T, l *Loop) (*echoServer, string) {
	t.Helper()
	e := newEchoServer(l)
	ln, err := l.Listen("127.0.0.1:0", 0, e.accept)
	if err != nil {
		t.Fatal(err)
	}
	ap, err := l.ListenerAddr(ln)
	if err != nil {
		t.Fatal(err)
	}
	return e, ap.String()
}

// echoRoundTrip writes data on a new connection while reading the echo,
// half-closes, and checks the echo and the end of stream.
func echoRoundTrip(addr string, data []byte) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if err := <-werr; err != nil {
		return err
	}
	if !bytes.Equal(got, data) {
		return errors.New("echo differs from what was sent")
	}
	return nil
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestEchoConcurrent(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		e, addr := listenEcho(t, l)
		stop := start(t, l)
		const conns = 64
		var wg sync.WaitGroup
		errs := make(chan error, conns+1)
		for i := range conns {
			wg.Go(func() { errs <- echoRoundTrip(addr, randomBytes(1+i*997, uint64(i))) })
		}
		// One large transfer needs many sends, most of them partial.
		wg.Go(func() { errs <- echoRoundTrip(addr, randomBytes(8<<20, 99)) })
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if o, c := e.opened.Load(), e.closed.Load(); o != conns+1 || c != o {
			t.Errorf("opened %d, closed %d connections, want %d both", o, c, conns+1)
		}
		select {
		case err := <-e.errs:
			t.Errorf("server error: %v", err)
		default:
		}
	})
}

// TestEchoTinyBuffers runs out of receive buffers all the time (io_uring:
// 4 provided buffers of 256 bytes, so multishot receives end with ENOBUFS
// and are re-armed; epoll: 256-byte reads).
func TestEchoTinyBuffers(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoopOpts(t, Options{Backend: b, BufCount: 4, BufSize: 256})
		_, addr := listenEcho(t, l)
		start(t, l)
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := range 16 {
			wg.Go(func() { errs <- echoRoundTrip(addr, randomBytes(100<<10, uint64(i))) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

func TestPeerClose(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		e, addr := listenEcho(t, l)
		start(t, l)
		for range 10 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Write([]byte("x"))
			c.Close()
		}
		deadline := time.Now().Add(testTimeout)
		for e.closed.Load() < 10 {
			if time.Now().After(deadline) {
				t.Fatalf("closed %d of 10 connections", e.closed.Load())
			}
			onLoop(t, l, func() {}) // one loop round trip
		}
	})
}

// recorder is a Handler that records what it is told.
type recorder struct {
	l      *Loop
	mu     sync.Mutex
	data   []byte
	err    error
	sent   int
	closed chan struct{}
}

func newRecorder(l *Loop) *recorder { return &recorder{l: l, closed: make(chan struct{})} }

func (r *recorder) OnRecv(c Conn, b []byte, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.data = append(r.data, b...)
	if err != nil {
		r.err = err
		r.l.Close(c)
	}
}

func (r *recorder) OnSend(c Conn, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent++
	if err != nil && r.err == nil {
		r.err = err
	}
}

func (r *recorder) OnClose(c Conn) { close(r.closed) }

func TestConnect(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		upstream, err := net.Listen("tcp", "127.0.0.1:0")
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
		addr := netip.MustParseAddrPort(upstream.Addr().String())
		onLoop(t, l, func() {
			c, err := l.Connect(addr, rec, func(c Conn, err error) { connected <- err })
			if err != nil {
				t.Error(err)
				return
			}
			// Queued before the connection is up: written once it is.
			l.Writev(c, [][]byte{[]byte("pi"), []byte("ng")})
		})
		if err := <-connected; err != nil {
			t.Fatal(err)
		}
		wait(t, rec.closed, "upstream connection to close")
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if string(rec.data) != "pong" || rec.err != io.EOF || rec.sent != 1 {
			t.Errorf("got %q, err %v, %d sends done; want \"pong\", EOF, 1", rec.data, rec.err, rec.sent)
		}
	})
}
