package server

import (
	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// worker is one event loop with its listeners and connections. All fields
// are owned by the loop goroutine, except those set before Run.
type worker struct {
	id   int
	srv  *Server
	lp   *loop.Loop
	lns  []loop.Listener
	date http1.DateCache

	conns []*conn // open connections; conn.idx is the position
	free  []*conn // released conn structs for reuse

	hsSem chan struct{} // MaxHandshakes slots, taken by computing handshake goroutines (never by the loop)

	draining  bool
	drained   chan struct{} // closed once draining and no connection is left
	drainDone bool          // drained is closed
	log       accessLog
}

// accept is the AcceptFunc of the worker's listeners; tls says which
// listener.
func (w *worker) accept(tls bool) loop.AcceptFunc {
	return func(lc loop.Conn, err error) loop.Handler {
		if err != nil {
			w.srv.logf("worker %d: accept: %v", w.id, err)
			return nil
		}
		if w.draining {
			return nil
		}
		peer, _ := w.lp.PeerAddr(lc)
		var c *conn
		if n := len(w.free); n > 0 {
			c = w.free[n-1]
			w.free = w.free[:n-1]
		} else {
			c = newConn(w)
		}
		c.idx = len(w.conns)
		w.conns = append(w.conns, c)
		var t *tlsConn
		if tls {
			t = newTLSConn(w, c)
		}
		c.open(lc, peer, t)
		return c
	}
}

// release takes a closed connection out of the worker and keeps its struct
// for reuse.
func (w *worker) release(c *conn) {
	c.gen++
	last := len(w.conns) - 1
	w.conns[c.idx] = w.conns[last]
	w.conns[c.idx].idx = c.idx
	w.conns[last] = nil
	w.conns = w.conns[:last]
	c.tls = nil
	c.req = Request{}
	if cap(c.rbuf) > keepBufCap {
		c.rbuf = nil
	}
	if cap(c.out) > keepBufCap {
		c.out = nil
	}
	if cap(c.sending) > keepBufCap {
		c.sending = nil
	}
	if cap(c.body) > keepBufCap {
		c.body = nil
	}
	if cap(c.rw.body) > keepBufCap {
		c.rw.body = nil
	}
	w.free = append(w.free, c)
	w.checkDrained()
}

// drain starts a graceful shutdown of the worker: its listeners close, idle
// connections close, busy ones close after their current response.
func (w *worker) drain() {
	if w.draining {
		return
	}
	w.draining = true
	for _, ln := range w.lns {
		w.lp.CloseListener(ln)
	}
	for _, c := range append([]*conn(nil), w.conns...) {
		switch {
		case c.state == stateHandshake:
			c.closeNow(ErrServerClosed)
		case c.state == stateReadHead && c.rpos == len(c.rbuf):
			c.enterClosing()
		}
	}
	w.checkDrained()
}

func (w *worker) checkDrained() {
	if w.draining && len(w.conns) == 0 && !w.drainDone {
		w.drainDone = true
		close(w.drained)
	}
}
