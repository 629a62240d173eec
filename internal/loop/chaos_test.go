package loop

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// chaos is a Handler that reacts to received data with random operations
// (sends, Writev, pause and resume, shutdown, close) and checks the loop's
// callback contract as it goes: no callback after OnClose, one OnSend per
// Send/Writev before OnClose, one OnClose per accepted connection.
type chaos struct {
	l              *Loop
	rnd            *rand.Rand
	conns          map[Conn]*chaosConn
	errs           []string
	opened, closed int
}

type chaosConn struct {
	sends, sent int
	closed      bool
	eof         bool
}

func (h *chaos) fail(format string, args ...any) {
	h.errs = append(h.errs, fmt.Sprintf(format, args...))
}

func (h *chaos) accept(c Conn, err error) Handler {
	if err != nil {
		h.fail("accept: %v", err)
		return nil
	}
	h.opened++
	h.conns[c] = &chaosConn{}
	return h
}

func (h *chaos) send(c Conn, cc *chaosConn, n int) {
	payload := make([]byte, n)
	var err error
	if h.rnd.IntN(2) == 0 {
		err = h.l.Send(c, payload)
	} else {
		err = h.l.Writev(c, [][]byte{payload[:n/2], nil, payload[n/2:]})
	}
	if err == nil {
		cc.sends++
	}
}

func (h *chaos) OnRecv(c Conn, b []byte, err error) {
	cc := h.conns[c]
	if cc == nil || cc.closed {
		h.fail("OnRecv on %v after OnClose", c)
		return
	}
	if cc.eof {
		h.fail("OnRecv on %v after end of stream", c)
	}
	if err != nil {
		cc.eof = true
		if h.rnd.IntN(2) == 0 {
			h.l.Close(c)
		} else {
			h.l.Shutdown(c)
			h.l.AfterFunc(time.Millisecond, func() { h.l.Close(c) })
		}
		return
	}
	switch n := h.rnd.IntN(100); {
	case n < 2:
		h.l.Close(c)
	case n < 4:
		h.l.Shutdown(c)
	case n < 14:
		h.l.PauseRecv(c)
		h.l.AfterFunc(time.Duration(h.rnd.IntN(3))*time.Millisecond, func() { h.l.ResumeRecv(c) })
	case n < 30:
		h.send(c, cc, 1+h.rnd.IntN(256<<10))
	default:
		h.send(c, cc, len(b))
	}
}

func (h *chaos) OnSend(c Conn, err error) {
	cc := h.conns[c]
	if cc == nil || cc.closed {
		h.fail("OnSend on %v after OnClose", c)
		return
	}
	cc.sent++
	if cc.sent > cc.sends {
		h.fail("%v: %d OnSend for %d sends", c, cc.sent, cc.sends)
	}
}

func (h *chaos) OnClose(c Conn) {
	cc := h.conns[c]
	if cc == nil || cc.closed {
		h.fail("second OnClose on %v", c)
		return
	}
	cc.closed = true
	h.closed++
	if cc.sent != cc.sends {
		h.fail("%v closed with %d OnSend for %d sends", c, cc.sent, cc.sends)
	}
}

// testSeed returns TEST_SEED if set, else a fresh seed, and logs it.
func testSeed(t *testing.T) uint64 {
	seed := rand.Uint64()
	if s := os.Getenv("TEST_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("TEST_SEED=%d", seed)
	return seed
}

func TestChaos(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		seed := testSeed(t)
		l := newLoopOpts(t, Options{Backend: b, BufCount: 8, BufSize: 4096})
		h := &chaos{l: l, rnd: rand.New(rand.NewPCG(seed, 2)), conns: map[Conn]*chaosConn{}}
		ln, err := l.Listen("127.0.0.1:0", 0, h.accept)
		if err != nil {
			t.Fatal(err)
		}
		ap, _ := l.ListenerAddr(ln)
		stop := start(t, l)
		var wg sync.WaitGroup
		for i := range 32 {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(seed, uint64(i)+10))
				c, err := net.Dial("tcp", ap.String())
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(testTimeout))
				go io.Copy(io.Discard, c)
				for range r.IntN(20) {
					if _, err := c.Write(make([]byte, 1+r.IntN(64<<10))); err != nil {
						return // the server closed: fine
					}
				}
				if r.IntN(2) == 0 {
					c.(*net.TCPConn).CloseWrite()
				}
			})
		}
		wg.Wait()
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		sends := 0
		for _, cc := range h.conns {
			sends += cc.sends
		}
		t.Logf("%d connections, %d sends", h.opened, sends)
		if h.closed != h.opened {
			t.Errorf("%d connections opened, %d closed", h.opened, h.closed)
		}
		for _, e := range h.errs {
			t.Error(e)
		}
	})
}
