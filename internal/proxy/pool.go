package proxy

import (
	"crypto/tls"
	"net/netip"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// pool is one event loop's idle connections to one upstream address, and
// spare exchanges. It is used only on that loop's goroutine.
type pool struct {
	p    *Proxy
	lp   *loop.Loop
	addr netip.AddrPort
	unix string       // a Unix socket path, dialled instead of addr
	tls  *tls.Config  // nil for plain HTTP upstreams
	idle []*upConn    // most recently used last
	free *[]*exchange // spare exchanges, shared by the loop's pools
}

// maxFreeExchanges bounds the exchanges a loop keeps for reuse.
const maxFreeExchanges = 64

// get pops the most recently pooled connection, or returns nil.
func (pl *pool) get() *upConn {
	n := len(pl.idle)
	if n == 0 {
		return nil
	}
	uc := pl.idle[n-1]
	pl.idle[n-1] = nil
	pl.idle = pl.idle[:n-1]
	uc.pooled = false // its idle timer finds it busy (onIdle)
	return uc
}

// put pools uc, or closes it when the pool is full; now is monoNow.
func (pl *pool) put(uc *upConn, now time.Duration) {
	if uc.closing {
		return
	}
	if len(pl.idle) >= pl.p.cfg.MaxIdleConns {
		uc.close()
		return
	}
	uc.pooled = true
	uc.idleSince = now
	if !uc.idleOn {
		uc.idleOn = true
		uc.idleTimer = pl.lp.AfterFunc(pl.p.cfg.IdleTimeout, uc.idleFn)
	}
	pl.idle = append(pl.idle, uc)
}

// remove takes uc out of the idle list, if it is there.
func (pl *pool) remove(uc *upConn) {
	if !uc.pooled {
		return
	}
	uc.pooled = false
	if uc.idleOn {
		uc.idleOn = false
		pl.lp.StopTimer(uc.idleTimer)
	}
	for i, v := range pl.idle {
		if v == uc {
			copy(pl.idle[i:], pl.idle[i+1:])
			pl.idle[len(pl.idle)-1] = nil
			pl.idle = pl.idle[:len(pl.idle)-1]
			return
		}
	}
}

// dial opens a new upstream connection.
func (pl *pool) dial() (*upConn, error) {
	uc := &upConn{pl: pl}
	uc.idleFn = uc.onIdle
	if pl.tls != nil {
		uc.tls = newUpTLS(pl.tls)
	}
	var c loop.Conn
	var err error
	if pl.unix != "" {
		c, err = pl.lp.ConnectUnix(pl.unix, uc, uc.connected)
	} else {
		c, err = pl.lp.Connect(pl.addr, uc, uc.connected)
	}
	if err != nil {
		return nil, err
	}
	uc.c = c
	uc.dialing = true
	pl.p.dials.Add(1)
	return uc, nil
}

// getExchange returns a spare exchange or a new one, for a request to
// pl's upstream.
func (pl *pool) getExchange() *exchange {
	if free := *pl.free; len(free) > 0 {
		x := free[len(free)-1]
		free[len(free)-1] = nil
		*pl.free = free[:len(free)-1]
		x.pl = pl
		return x
	}
	x := &exchange{pl: pl}
	x.abortFn = x.abort
	x.bodyFn = x.onBody
	x.timerFn = x.onTimer
	x.drainFn = x.onDrain
	x.parser.Init(pl.p.cfg.Limits)
	return x
}

// putExchange keeps x for reuse. The kernel must hold none of its buffers.
func (pl *pool) putExchange(x *exchange) {
	if len(*pl.free) < maxFreeExchanges && cap(x.body) <= 1<<20 && cap(x.req) <= 1<<20 && cap(x.pend)+cap(x.sending) <= 1<<20 {
		x.done, x.r = zeroCompletion, nil
		*pl.free = append(*pl.free, x)
	}
}

// upConn is one upstream connection: a loop.Handler that passes its events
// to the exchange using it, if any.
type upConn struct {
	pl *pool
	c  loop.Conn
	x  *exchange // the exchange using the connection, nil when idle
	// sends has one entry per loop.Send not yet reported by OnSend, in
	// order: the exchange whose request bytes it carries, or nil (TLS
	// handshake and control records).
	sends   []*exchange
	tls     *upTLS // nil for plain HTTP
	paused  bool   // receiving is paused (pause)
	dialing bool
	pooled  bool
	closing bool // Close was called or OnClose came
	// keepAfterSend is set when a complete, reusable response arrived
	// before the request's send was reported: OnSend pools the connection.
	keepAfterSend bool
	// idleTimer runs idleFn (idleOn) once the connection may have been
	// pooled for IdleTimeout: it stays armed while the connection is
	// taken and pooled again, so that a request costs no timer operation.
	idleTimer loop.Timer
	idleOn    bool
	idleSince time.Duration // when it was last pooled (monoNow)
	idleFn    func()        // onIdle, as a func value made once
}

// connected is the loop.Connect callback. A TLS connection then
// handshakes; its exchange waits for the response as for any other.
func (uc *upConn) connected(_ loop.Conn, err error) {
	uc.dialing = false
	if err == nil && uc.tls != nil {
		uc.tls.start(uc)
	}
	if uc.x != nil {
		uc.x.onConnected(err)
	}
}

// OnRecv passes received bytes to the exchange; an idle connection that
// receives anything (the upstream closing it, or stray bytes) is closed.
func (uc *upConn) OnRecv(c loop.Conn, b []byte, err error) {
	if uc.tls != nil {
		uc.tls.recv(uc, b, err)
		return
	}
	uc.deliver(b, err)
}

// deliver passes plaintext to the exchange, as OnRecv describes.
func (uc *upConn) deliver(b []byte, err error) {
	if uc.x != nil {
		uc.x.onRecv(b, err)
		return
	}
	uc.pl.remove(uc)
	uc.close()
}

// onIdle closes a connection that stayed in the pool for IdleTimeout, or
// waits for the rest of it; a connection in use is left alone (put arms
// the timer again if it is not running).
func (uc *upConn) onIdle() {
	uc.idleOn = false
	if !uc.pooled || uc.closing {
		return
	}
	if rest := uc.idleSince + uc.pl.p.cfg.IdleTimeout - monoNow(); rest > 0 {
		uc.idleOn = true
		uc.idleTimer = uc.pl.lp.AfterFunc(rest, uc.idleFn)
		return
	}
	uc.pl.remove(uc)
	uc.close()
}

// pause stops receiving until resume (backpressure from the client).
func (uc *upConn) pause() {
	if !uc.paused {
		uc.paused = true
		uc.pl.lp.PauseRecv(uc.c)
	}
}

// resume undoes pause, passing on plaintext a TLS layer still holds.
func (uc *upConn) resume() {
	if uc.paused {
		uc.paused = false
		uc.pl.lp.ResumeRecv(uc.c)
		if uc.tls != nil && uc.tls.ready {
			uc.tls.read(uc)
		}
	}
}

// close closes the connection (once).
func (uc *upConn) close() {
	if !uc.closing {
		uc.closing = true
		uc.pl.remove(uc)
		uc.pl.lp.Close(uc.c)
	}
}

// OnSend reports the end of a send.
func (uc *upConn) OnSend(_ loop.Conn, err error) {
	var x *exchange
	if len(uc.sends) > 0 {
		x = uc.sends[0]
		uc.sends = uc.sends[:copy(uc.sends, uc.sends[1:])]
	}
	if uc.keepAfterSend && (err != nil || !uc.sending()) {
		uc.keepAfterSend = false
		if err == nil && uc.x == nil {
			uc.pl.put(uc, monoNow())
		} else {
			uc.close()
		}
	}
	if x == nil {
		return
	}
	x.inflight--
	if x.uc == uc {
		x.onSend(err)
	} else if x.inflight == 0 && x.finished {
		x.pl.putExchange(x)
	}
}

// sending reports whether request bytes are still with the kernel.
func (uc *upConn) sending() bool {
	for _, x := range uc.sends {
		if x != nil {
			return true
		}
	}
	return false
}

// send sends b, a request's bytes for x: b must stay untouched until x's
// onSend (with TLS it is encrypted at once, into a buffer of the
// connection's).
func (uc *upConn) send(x *exchange, b []byte) error {
	if uc.tls != nil {
		return uc.tls.send(uc, x, b)
	}
	if err := uc.pl.lp.Send(uc.c, b); err != nil {
		return err
	}
	uc.sends = append(uc.sends, x)
	return nil
}

// OnClose drops the connection from the pool and fails its exchange.
func (uc *upConn) OnClose(loop.Conn) {
	uc.closing = true
	if uc.tls != nil {
		uc.tls.pipe.CloseRead()
	}
	uc.pl.remove(uc)
	if x := uc.x; x != nil {
		x.onRecv(nil, errUpstreamClosed)
	}
}
