package server

import (
	"errors"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// offlineConn returns a conn on a worker whose loop never runs: advance
// can be driven directly with bytes appended to rbuf, and the responses
// read from out. Loop calls on its zero loop.Conn fail harmlessly.
func offlineConn(tb testing.TB, h Handler) *conn {
	tb.Helper()
	lp, err := loop.New(loop.Options{Backend: loop.Epoll})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lp.Free() })
	cfg, err := Config{Handler: h, Addr: "127.0.0.1:0"}.withDefaults()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{cfg: cfg}
	w := &worker{srv: s, lp: lp, drained: make(chan struct{})}
	c := newConn(w)
	w.conns = append(w.conns, c)
	c.open(loop.Conn{}, c.peer, nil)
	return c
}

// feed appends input to c's receive buffer and runs the state machine.
func (c *conn) feed(b []byte) {
	c.makeRoom(len(b))
	c.rbuf = append(c.rbuf, b...)
	c.advance()
}

func TestOfflinePipeline(t *testing.T) {
	st, _ := NewStatic(200, "ok")
	c := offlineConn(t, st)
	c.feed([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHo"))
	c.feed([]byte("st: x\r\n\r\n"))
	if n := countResponses(c.out); n != 2 || c.state != stateReadHead {
		t.Fatalf("%d responses, state %v:\n%s", n, c.state, c.out)
	}
}

func countResponses(b []byte) int {
	n := 0
	for i := 0; i+9 <= len(b); i++ {
		if string(b[i:i+9]) == "HTTP/1.1 " {
			n++
		}
	}
	return n
}

// FuzzConn feeds arbitrary bytes, in two reads, through the connection
// state machine: it never panics, answers only with well-formed status
// lines, and ends in a legal state.
func FuzzConn(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), []byte("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
	f.Add([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nab"), []byte("cde"))
	f.Add([]byte("GET /a/../%2e%2e HTTP/1.0\r\n\r\n"), []byte("\x00\xff"))
	f.Add([]byte("HEAD http://x/y HTTP/1.1\r\nHost: z\r\nConnection: close\r\n\r\n"), []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := offlineConn(t, echo)
		c.feed(a)
		c.feed(b)
		if c.state > stateClosed {
			t.Fatalf("state %v", c.state)
		}
		if len(c.out) > 0 && string(c.out[:min(len(c.out), 9)]) != "HTTP/1.1 " {
			t.Fatalf("output %q", c.out)
		}
		if c.err != nil && c.state != stateClosing {
			var te *timeoutError
			if !errors.As(c.err, &te) {
				t.Fatalf("error %v but state %v", c.err, c.state)
			}
		}
	})
}
