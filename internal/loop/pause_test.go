package loop

import (
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pauser pauses its connection on the first byte and records every OnRecv.
type pauser struct {
	l       *Loop
	c       Conn
	got     []byte // loop goroutine only
	calls   int
	err     error
	started chan struct{}
	closed  chan struct{}
}

func (p *pauser) accept(c Conn, err error) Handler {
	if err != nil {
		return nil
	}
	p.c = c
	return p
}

func (p *pauser) OnRecv(c Conn, b []byte, err error) {
	p.calls++
	p.got = append(p.got, b...)
	if err != nil {
		p.err = err
		p.l.Close(c)
		return
	}
	if p.calls == 1 {
		p.l.PauseRecv(c)
		close(p.started)
	}
}

func (p *pauser) OnSend(Conn, error) {}
func (p *pauser) OnClose(Conn)       { close(p.closed) }

func TestPauseResume(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		p := &pauser{l: l, started: make(chan struct{}), closed: make(chan struct{})}
		ln, err := l.Listen("127.0.0.1:0", 0, p.accept)
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
		c.Write([]byte("a"))
		wait(t, p.started, "first OnRecv")
		more := randomBytes(32<<10, 7) // fits the receive buffer: the peer is not blocked
		go func() {
			c.Write(more)
			c.(*net.TCPConn).CloseWrite()
		}()
		// Wait until all of it is either in the socket's receive queue or
		// held by the loop, and check nothing was delivered meanwhile.
		deadline := time.Now().Add(testTimeout)
		for {
			if time.Now().After(deadline) {
				t.Fatal("data never arrived")
			}
			var held, calls int
			onLoop(t, l, func() {
				s := l.conn(p.c)
				q, _ := unix.IoctlGetInt(s.fd, unix.SIOCINQ)
				held, calls = q+len(s.stash), p.calls
			})
			if calls != 1 {
				t.Fatalf("%d OnRecv calls while paused, want 1", calls)
			}
			if held == len(more) {
				break
			}
			if held > len(more) {
				t.Fatalf("holding %d bytes, more than the %d sent", held, len(more))
			}
		}
		onLoop(t, l, func() { l.ResumeRecv(p.c) })
		wait(t, p.closed, "OnClose after end of stream")
		onLoop(t, l, func() {
			if string(p.got) != "a"+string(more) || p.err != io.EOF {
				t.Errorf("got %d bytes (equal: %v), err %v; want %d bytes and EOF",
					len(p.got), string(p.got) == "a"+string(more), p.err, 1+len(more))
			}
		})
	})
}

// TestPausedFromAccept pauses a connection inside AcceptFunc: nothing is
// received until ResumeRecv.
func TestPausedFromAccept(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		l := newLoop(t, b)
		rec := newRecorder(l)
		var sc Conn
		ln, err := l.Listen("127.0.0.1:0", 0, func(c Conn, err error) Handler {
			if err != nil {
				return nil
			}
			sc = c
			if err := l.PauseRecv(c); err != nil {
				t.Error(err)
			}
			return rec
		})
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
		c.Write([]byte("hello"))
		c.(*net.TCPConn).CloseWrite()
		deadline := time.Now().Add(testTimeout)
		for {
			var queued int
			var n int
			onLoop(t, l, func() {
				if s := l.conn(sc); s != nil {
					queued, _ = unix.IoctlGetInt(s.fd, unix.SIOCINQ)
				}
				rec.mu.Lock()
				n = len(rec.data)
				rec.mu.Unlock()
			})
			if n != 0 {
				t.Fatalf("received %d bytes while paused", n)
			}
			if queued == 5 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("data never arrived")
			}
		}
		onLoop(t, l, func() { l.ResumeRecv(sc) })
		wait(t, rec.closed, "OnClose after end of stream")
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if string(rec.data) != "hello" || rec.err != io.EOF {
			t.Errorf("got %q, %v; want \"hello\", EOF", rec.data, rec.err)
		}
	})
}
