package loop

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop/uring"
	"golang.org/x/sys/unix"
)

func TestTimers(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		start(t, l)
		var fired []int // loop goroutine only
		done := make(chan struct{})
		var stopped, stoppedAgain, stopFired bool
		onLoop(t, l, func() {
			l.AfterFunc(30*time.Millisecond, func() { fired = append(fired, 3); close(done) })
			l.AfterFunc(10*time.Millisecond, func() { fired = append(fired, 1) })
			cancel := l.AfterFunc(20*time.Millisecond, func() { fired = append(fired, -1) })
			l.AfterFunc(0, func() { fired = append(fired, 0) })
			early := l.AfterFunc(time.Millisecond, func() { fired = append(fired, 2) })
			l.StopTimer(early)
			l.AfterFunc(15*time.Millisecond, func() { fired = append(fired, 2) })
			stopped = l.StopTimer(cancel)
			stoppedAgain = l.StopTimer(cancel)
			first := l.AfterFunc(0, func() {})
			l.AfterFunc(5*time.Millisecond, func() { stopFired = l.StopTimer(first) })
		})
		wait(t, done, "last timer")
		onLoop(t, l, func() {
			if want := []int{0, 1, 2, 3}; !slices.Equal(fired, want) {
				t.Errorf("timers fired in order %v, want %v", fired, want)
			}
			if !stopped || stoppedAgain || stopFired {
				t.Errorf("StopTimer: pending %v (want true), again %v (want false), after firing %v (want false)",
					stopped, stoppedAgain, stopFired)
			}
		})
	})
}

// TestTimerHeap checks the heap against a sorted reference with many timers
// stopped in between.
func TestTimerHeap(t *testing.T) {
	l := &Loop{base: time.Now()}
	var got []int
	var want []int
	var handles []Timer
	for i := range 200 {
		d := time.Duration((i*7919)%200) * time.Hour // deterministic shuffle, far future
		handles = append(handles, l.AfterFunc(d, func() { got = append(got, int(d/time.Hour)) }))
	}
	for i := range 200 {
		if i%3 == 0 {
			if !l.StopTimer(handles[i]) {
				t.Fatalf("StopTimer(%d) = false", i)
			}
			continue
		}
		want = append(want, (i*7919)%200)
	}
	slices.Sort(want)
	l.base = l.base.Add(-300 * time.Hour) // now everything is due
	l.runTimers(l.now())
	if !slices.Equal(got, want) {
		t.Fatalf("fired %v\nwant %v", got, want)
	}
	if n := len(l.timers.heap); n != 0 {
		t.Fatalf("%d timers left", n)
	}
}

func TestPost(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		start(t, l)
		const goroutines, posts = 8, 1000
		count := 0 // loop goroutine only: the race detector checks that
		all := make(chan struct{})
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for range posts {
					if !l.Post(func() {
						count++
						if count == goroutines*posts {
							close(all)
						}
					}) {
						t.Error("Post refused on a running loop")
						return
					}
				}
			})
		}
		wg.Wait()
		wait(t, all, "all posted functions")
	})
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestStopWithOpenConnections(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		before := openFDs(t)
		l := newLoop(t, b)
		e, addr := listenEcho(t, l)
		stop := start(t, l)
		var clients []net.Conn
		for range 10 {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, c)
		}
		for e.opened.Load() < 10 {
			onLoop(t, l, func() {})
		}
		// An upstream connection in progress and timers pending at Stop.
		upstream, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		rec := newRecorder(l)
		onLoop(t, l, func() {
			l.Connect(netip.MustParseAddrPort(upstream.Addr().String()), rec, func(Conn, error) {})
			l.AfterFunc(time.Hour, func() { t.Error("timer fired after Stop") })
		})
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		wait(t, rec.closed, "OnClose of the upstream connection")
		if got := e.closed.Load(); got != 10 {
			t.Errorf("OnClose for %d connections, want 10", got)
		}
		if l.Post(func() {}) {
			t.Error("Post accepted after Stop")
		}
		if _, err := l.Listen("127.0.0.1:0", 0, e.accept); !errors.Is(err, ErrStopped) {
			t.Errorf("Listen after Stop: %v, want ErrStopped", err)
		}
		for _, c := range clients {
			c.Close()
		}
		upstream.Close()
		if after := openFDs(t); after != before {
			t.Errorf("open descriptors: %d before, %d after", before, after)
		}
	})
}

func TestFreeWithoutRun(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		before := openFDs(t)
		l := newLoop(t, b)
		if _, err := l.Listen("127.0.0.1:0", 0, func(Conn, error) Handler { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := l.Free(); err != nil {
			t.Fatal(err)
		}
		if err := l.Run(); err == nil {
			t.Error("Run after Free: no error")
		}
		if after := openFDs(t); after != before {
			t.Errorf("open descriptors: %d before, %d after", before, after)
		}
	})
}

func TestFallback(t *testing.T) {
	l, err := New(Options{Backend: Auto, uringSetupErr: unix.EPERM})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Free()
	if l.Backend() != Epoll {
		t.Errorf("Backend() = %v, want epoll", l.Backend())
	}
	if r := l.FallbackReason(); !errors.Is(r, ErrNotSupported) || !errors.Is(r, unix.EPERM) {
		t.Errorf("FallbackReason() = %v, want ErrNotSupported wrapping EPERM", r)
	}
	if _, err := New(Options{Backend: IOUring, uringSetupErr: unix.ENOSYS}); !errors.Is(err, ErrNotSupported) {
		t.Errorf("New(IOUring) with failing setup: %v, want ErrNotSupported", err)
	}
	// Auto on this machine: io_uring if it works, else a reason.
	l2, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Free()
	if (l2.Backend() == Epoll) != (l2.FallbackReason() != nil) {
		t.Errorf("Auto chose %v with fallback reason %v", l2.Backend(), l2.FallbackReason())
	}
	t.Logf("Auto backend here: %v (fallback reason: %v)", l2.Backend(), l2.FallbackReason())
	if d, ok := l2.drv.(*uringDriver); ok {
		f := d.ring.Flags()
		t.Logf("io_uring setup flags %#x: SINGLE_ISSUER %v, DEFER_TASKRUN %v", f,
			f&uring.SetupSingleIssuer != 0, f&uring.SetupDeferTaskrun != 0)
	}
}

func TestListenInheritedFD(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		gl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f, err := gl.(*net.TCPListener).File() // a dup the loop takes over
		gl.Close()
		if err != nil {
			t.Fatal(err)
		}
		fd, err := unix.Dup(int(f.Fd()))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		l := newLoop(t, b)
		_, addr := func() (*echoServer, string) {
			e := newEchoServer(l)
			ln, err := l.Listen("fd:"+itoa(fd), 0, e.accept)
			if err != nil {
				t.Fatal(err)
			}
			ap, _ := l.ListenerAddr(ln)
			return e, ap.String()
		}()
		start(t, l)
		if err := echoRoundTrip(addr, []byte("activated")); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"fd:x", "fd:-1", "fd:999999", "fd:0"} {
			if _, err := l.Listen(bad, 0, nil); err == nil {
				t.Errorf("Listen(%q): no error", bad)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestStaleHandles(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		e, addr := listenEcho(t, l)
		start(t, l)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for e.opened.Load() < 1 {
			onLoop(t, l, func() {})
		}
		onLoop(t, l, func() {
			var sc Conn
			for k := range e.conns {
				sc = k
			}
			// Accepted sockets inherit TCP_NODELAY from the listener.
			if v, err := unix.GetsockoptInt(l.socks[sc.id].fd, unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || v == 0 {
				t.Errorf("TCP_NODELAY on accepted socket = %d, %v; want set", v, err)
			}
			if err := l.Close(sc); err != nil {
				t.Fatal(err)
			}
			if err := l.Send(sc, []byte("x")); err != ErrClosed {
				t.Errorf("Send after Close: %v, want ErrClosed", err)
			}
			if err := l.Close(sc); err != ErrClosed {
				t.Errorf("second Close: %v, want ErrClosed", err)
			}
			if err := l.Send(Conn{}, nil); err != ErrClosed {
				t.Errorf("Send on zero Conn: %v, want ErrClosed", err)
			}
			if err := l.CloseListener(Listener{}); err != ErrClosed {
				t.Errorf("CloseListener on zero Listener: %v, want ErrClosed", err)
			}
		})
	})
}

func TestConnectRefused(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		gl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := netip.MustParseAddrPort(gl.Addr().String())
		gl.Close() // nothing listens there now
		l := newLoop(t, b)
		start(t, l)
		rec := newRecorder(l)
		got := make(chan error, 1)
		onLoop(t, l, func() {
			c, err := l.Connect(addr, rec, func(_ Conn, err error) { got <- err })
			if err != nil {
				t.Error(err)
				return
			}
			if err := l.Send(c, []byte("never sent")); err != nil {
				t.Errorf("Send while connecting: %v", err)
			}
		})
		if err := <-got; !errors.Is(err, unix.ECONNREFUSED) {
			t.Errorf("connect error %v, want ECONNREFUSED", err)
		}
		wait(t, rec.closed, "OnClose after a failed connect")
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if rec.sent != 1 || rec.err != ErrClosed {
			t.Errorf("queued send: %d OnSend, err %v; want 1, ErrClosed", rec.sent, rec.err)
		}
	})
}

// stallHandler sends a large buffer on accept and closes the connection from
// a timer while the send is still waiting for the (non-reading) peer.
type stallHandler struct {
	l       *Loop
	big     []byte
	sendErr chan error
	closed  chan struct{}
}

func (h *stallHandler) accept(c Conn, err error) Handler {
	if err != nil {
		return nil
	}
	h.l.Send(c, h.big)
	h.l.AfterFunc(20*time.Millisecond, func() { h.l.Close(c) })
	return h
}

func (h *stallHandler) OnRecv(Conn, []byte, error) {}
func (h *stallHandler) OnSend(_ Conn, err error)   { h.sendErr <- err }
func (h *stallHandler) OnClose(Conn)               { close(h.closed) }

func TestCloseWithSendInFlight(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		// 64 MiB is more than loopback's socket buffers can hold (tcp_wmem
		// and tcp_rmem maxima here: 4 and 32 MiB), so the send must stall.
		h := &stallHandler{l: l, big: make([]byte, 64<<20), sendErr: make(chan error, 1), closed: make(chan struct{})}
		ln, err := l.Listen("127.0.0.1:0", 0, h.accept)
		if err != nil {
			t.Fatal(err)
		}
		ap, _ := l.ListenerAddr(ln)
		start(t, l)
		c, err := net.Dial("tcp", ap.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wait(t, h.closed, "OnClose")
		select {
		case err := <-h.sendErr:
			if err != ErrClosed {
				t.Errorf("OnSend of the stalled send: %v, want ErrClosed", err)
			}
		default:
			t.Error("no OnSend before OnClose")
		}
	})
}

// TestReusePort has two loops listen on the same port, as the server's
// workers do; the kernel spreads connections over both.
func TestReusePort(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l1, l2 := newLoop(t, b), newLoop(t, b)
		e1, addr := listenEcho(t, l1)
		e2 := newEchoServer(l2)
		if _, err := l2.Listen(addr, 0, e2.accept); err != nil {
			t.Fatal(err)
		}
		start(t, l1)
		start(t, l2)
		for i := range 32 {
			if err := echoRoundTrip(addr, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if e1.opened.Load() == 0 || e2.opened.Load() == 0 {
			t.Errorf("connections per loop: %d and %d, want both > 0", e1.opened.Load(), e2.opened.Load())
		}
	})
}

func TestOptionsRejected(t *testing.T) {
	for _, o := range []Options{
		{Entries: 1 << 16},
		{BufCount: 3},
		{BufCount: 1 << 16},
		{BufSize: -1},
		{BufSize: 2 << 20},
		{Backend: Backend(9)},
	} {
		if l, err := New(o); err == nil {
			l.Free()
			t.Errorf("New(%+v): no error", o)
		}
	}
}

// writevServer answers each connection with many buffers in a few Writev and
// Send calls (more iovecs than one sendmsg takes), then shuts down.
type writevServer struct {
	l    *Loop
	bufs [][]byte
	sent chan error
}

func (w *writevServer) accept(c Conn, err error) Handler {
	if err != nil {
		return nil
	}
	w.l.Writev(c, w.bufs[:150])
	w.l.Send(c, w.bufs[150])
	w.l.Writev(c, nil)
	w.l.Writev(c, w.bufs[151:])
	w.l.Shutdown(c)
	return w
}

func (w *writevServer) OnRecv(c Conn, _ []byte, err error) {
	if err != nil {
		w.l.Close(c)
	}
}
func (w *writevServer) OnSend(_ Conn, err error) { w.sent <- err }
func (w *writevServer) OnClose(Conn)             {}

func TestWritevMany(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		w := &writevServer{l: l, sent: make(chan error, 4)}
		var want []byte
		for i := range 300 {
			buf := randomBytes(1+i*37%9000, uint64(i))
			if i%50 == 0 {
				buf = nil // empty buffers are skipped
			}
			w.bufs = append(w.bufs, buf)
			want = append(want, buf...)
		}
		ln, err := l.Listen("127.0.0.1:0", 0, w.accept)
		if err != nil {
			t.Fatal(err)
		}
		ap, _ := l.ListenerAddr(ln)
		start(t, l)
		c, err := net.Dial("tcp", ap.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(testTimeout))
		got, err := io.ReadAll(c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("got %d bytes, want %d (equal prefix: %v)", len(got), len(want), bytes.HasPrefix(want, got))
		}
		for range 4 {
			if err := <-w.sent; err != nil {
				t.Errorf("OnSend: %v", err)
			}
		}
	})
}
