package server

import (
	"errors"
	"io"
	"net/netip"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// Buffer bounds of a connection.
const (
	// maxPendingOut: with this much response data waiting behind a send in
	// flight, pipelined requests wait for the send to complete.
	maxPendingOut = 256 << 10
	// pauseThreshold: with this much unconsumed input while the connection
	// cannot parse (deferred handler, send backlog), receiving pauses.
	pauseThreshold = 64 << 10
	// lingerTimeout: after the last response of a closing connection, how
	// long the peer's remaining data is drained before the close.
	lingerTimeout = 2 * time.Second
	// keepBufCap: receive and send buffers larger than this are dropped
	// when a conn struct goes back to the free list.
	keepBufCap = 64 << 10
)

// conn is one client connection: its state machine (advance), buffers and
// deadline. All of it is owned by the worker's loop goroutine; a conn
// struct is reused from the worker's free list after OnClose, and gen tells
// stale references (Completion, posted TLS functions) apart.
type conn struct {
	w     *worker
	lc    loop.Conn
	gen   uint32 // bumped on release
	idx   int    // index in worker.conns
	state connState
	err   error // sticky: the first failure; set only by stick
	peer  netip.AddrPort
	tls   *tlsConn // nil for plain HTTP
	eof   bool     // the peer shut down its sending side

	// rbuf holds received plaintext; rbuf[rpos:] is not yet consumed: the
	// current request's head (headLen bytes once parsed), then its body
	// bytes (bodyOff of them decoded so far), then pipelined requests. The
	// request's slices point into it, so it is compacted (moved to the
	// front) only in stateReadHead, where the parser resumes on the moved
	// bytes.
	rbuf    []byte
	rpos    int
	headLen int
	bodyOff int
	paused  bool // PauseRecv is in effect

	parser  http1.RequestParser
	dec     http1.BodyDecoder
	body    []byte // decoded request body, reused
	path    []byte // normalised path, reused
	req     Request
	rw      ResponseWriter
	bs      bodyStream // a request body streamed to the handler (BodyStreamer)
	handled bool       // ServeHTTP1 was called for the current request
	serving bool       // inside ServeHTTP1: Finish must not re-enter advance
	seq     uint32     // number of the current request on the connection
	// closeAfter: the connection closes after the current response.
	closeAfter bool
	start      time.Time // when the current request's head was complete

	// out collects response bytes (plaintext) while a send is in flight;
	// sending is the buffer handed to loop.Send and must stay untouched
	// until OnSend (the loop keeps it referenced until then). They swap on
	// each send, so steady keep-alive traffic reuses two buffers.
	out      []byte
	sending  []byte
	inflight bool

	dl deadline
}

// newConn allocates a conn struct for worker w.
func newConn(w *worker) *conn {
	c := &conn{w: w}
	c.dl.fire = c.onDeadline
	c.rw.c = c
	c.parser.Init(w.srv.cfg.parserLimits())
	return c
}

// open starts c's life on accepted connection lc.
func (c *conn) open(lc loop.Conn, peer netip.AddrPort, t *tlsConn) {
	c.lc = lc
	c.peer = peer
	c.tls = t
	c.err = nil
	c.eof = false
	c.closeAfter = false
	c.paused = false
	c.inflight = false
	c.rbuf, c.rpos, c.headLen, c.bodyOff = c.rbuf[:0], 0, 0, 0
	c.out, c.sending = c.out[:0], c.sending[:0]
	c.parser.Reset()
	c.handled = false
	c.rw.reset()
	if t != nil {
		c.state = stateHandshake
		c.setDeadline(deadlineHandshake, c.w.srv.cfg.HandshakeTimeout, true)
		return
	}
	c.state = stateReadHead
	c.setDeadline(deadlineIdle, c.w.srv.cfg.IdleTimeout, true)
}

// OnRecv implements loop.Handler.
func (c *conn) OnRecv(_ loop.Conn, b []byte, err error) {
	if c.state == stateClosed {
		return
	}
	if err != nil {
		c.onEOF(err)
		return
	}
	if c.tls != nil {
		c.tls.recv(c, b)
		return
	}
	if c.state == stateClosing {
		return // lingering: drop what the peer still sends
	}
	c.makeRoom(len(b))
	c.rbuf = append(c.rbuf, b...)
	c.advance()
	c.flush()
	c.maybePause()
}

// onEOF handles the end of the peer's stream (err io.EOF) or a receive
// error.
func (c *conn) onEOF(err error) {
	c.eof = true
	if !errors.Is(err, io.EOF) {
		c.closeNow(err)
		return
	}
	switch c.state {
	case stateHandshake:
		if c.tls != nil && c.tls.started {
			c.tls.pipe.CloseRead()
			return // the handshake goroutine fails and reports
		}
		c.closeNow(err)
	case stateClosing:
		if !c.inflight {
			c.closeNow(nil)
		}
	case stateHandle:
		// A deferred response whose client went away is abandoned (as
		// net/http cancels the request's context): OnAbort tells the
		// handler.
		c.closeNow(errClientGone)
	default:
		c.advance()
		c.flush()
	}
}

// makeRoom compacts rbuf when that is allowed and makes room for n more
// bytes.
func (c *conn) makeRoom(n int) {
	if c.state == stateReadHead && c.rpos > 0 {
		k := copy(c.rbuf, c.rbuf[c.rpos:])
		c.rbuf = c.rbuf[:k]
		c.rpos = 0
	}
	if cap(c.rbuf)-len(c.rbuf) < n {
		nb := make([]byte, len(c.rbuf), max(2*cap(c.rbuf), len(c.rbuf)+n, 4096))
		copy(nb, c.rbuf)
		c.rbuf = nb
	}
}

// maybePause stops receiving while the connection cannot consume input.
func (c *conn) maybePause() {
	if c.paused || c.state == stateClosed || c.state == stateClosing {
		return
	}
	blocked := c.state == stateHandle || (c.state == stateReadHead && c.backlogged())
	if blocked && len(c.rbuf)-c.rpos > pauseThreshold {
		if c.w.lp.PauseRecv(c.lc) == nil {
			c.paused = true
		}
	}
}

func (c *conn) resume() {
	if c.paused {
		c.paused = false
		c.w.lp.ResumeRecv(c.lc)
	}
}

// backlogged reports whether enough response data waits that parsing
// further requests should wait for a send completion.
func (c *conn) backlogged() bool {
	return c.inflight && len(c.out) >= maxPendingOut
}

// OnSend implements loop.Handler.
func (c *conn) OnSend(_ loop.Conn, err error) {
	c.inflight = false
	c.sending = c.sending[:0]
	if c.state == stateClosed {
		return
	}
	if err != nil {
		c.closeNow(err)
		return
	}
	if c.pendingOut() > 0 {
		c.flush()
		return
	}
	if c.dl.kind == deadlineWrite {
		c.clearDeadline()
	}
	if c.state == stateClosing {
		c.linger()
		return
	}
	if w := &c.rw; w.stream && !w.done && w.onDrain != nil {
		w.onDrain() // a streamed response waits for more body
		return
	}
	c.advance()
	c.flush()
	c.maybePause()
}

// OnClose implements loop.Handler.
func (c *conn) OnClose(loop.Conn) {
	aborted := c.rw.deferred && !c.rw.done
	c.state = stateClosed
	if f := c.rw.onAbort; aborted && f != nil {
		c.rw.onAbort = nil
		f()
	}
	c.stopDeadline()
	if c.tls != nil {
		c.tls.pipe.CloseRead()
	}
	c.w.release(c)
}

// pendingOut returns how many bytes wait to be handed to loop.Send.
func (c *conn) pendingOut() int {
	if c.tls != nil {
		return len(c.out) + len(c.tls.wire)
	}
	return len(c.out)
}

// flush hands the pending response bytes to the loop unless a send is
// already in flight (OnSend flushes again).
func (c *conn) flush() {
	if c.state == stateClosed {
		return
	}
	buf := &c.out
	if c.tls != nil {
		if c.state != stateHandshake && len(c.out) > 0 {
			c.tls.encrypt(c.out)
			c.out = c.out[:0]
		}
		buf = &c.tls.wire
	}
	if c.inflight || len(*buf) == 0 {
		return
	}
	c.sending, *buf = *buf, c.sending[:0]
	c.inflight = true
	if err := c.w.lp.Send(c.lc, c.sending); err != nil {
		c.inflight = false
		c.closeNow(err)
		return
	}
	c.setDeadline(deadlineWrite, c.w.srv.cfg.WriteTimeout, true)
}

// enterClosing makes the current output the last: the connection shuts
// down its sending side once it is sent, then lingers.
func (c *conn) enterClosing() {
	if c.state == stateClosing || c.state == stateClosed {
		return
	}
	c.state = stateClosing
	c.clearDeadline()
	if c.tls != nil && c.tls.pipe.OnLoop() {
		c.flush()
		c.tls.closeNotify()
	}
	c.flush()
	if !c.inflight {
		c.linger()
	}
}

// linger shuts down the sending side after the last response and gives the
// peer a moment to finish sending before the close, so that its unread
// data does not make the kernel reset the connection (and lose the
// response).
func (c *conn) linger() {
	if c.eof {
		c.closeNow(nil)
		return
	}
	if err := c.w.lp.Shutdown(c.lc); err != nil {
		c.closeNow(err)
		return
	}
	c.setDeadline(deadlineLinger, lingerTimeout, true)
}

// closeNow closes the connection at once; OnClose follows.
func (c *conn) closeNow(err error) {
	c.stick(err)
	if c.state != stateClosed {
		c.state = stateClosing
		c.clearDeadline()
		c.w.lp.Close(c.lc)
	}
}

// stick records err as the connection's error unless one is already
// recorded: the first failure decides the response or the close.
func (c *conn) stick(err error) {
	if c.err == nil && err != nil {
		c.err = err
	}
}

// fail records err as the connection's error and ends it: an *http1.Error
// is answered with its status (and Connection: close) first.
func (c *conn) fail(err error) {
	c.stick(err)
	var he *http1.Error
	if errors.As(err, &he) {
		e := *he
		e.Close = true
		c.w.date.Update(time.Now())
		c.out = http1.AppendErrorResponse(c.out, &e, &c.w.date)
		c.w.logError(c, e.Status)
	}
	c.enterClosing()
}

// timeout handles an expired deadline of the given kind.
func (c *conn) timeout(kind deadlineKind) {
	err := &timeoutError{kind}
	switch kind {
	case deadlineHeader, deadlineBody:
		if c.state == stateReadHead || c.state == stateReadBody {
			c.stick(err)
			c.fail(&http1.Error{Status: 408, Reason: kind.String() + " timeout", Close: true})
			return
		}
	case deadlineIdle:
		if c.state == stateReadHead && c.w.srv.cfg.IdleTimeout > 0 {
			c.stick(err)
			c.enterClosing()
			return
		}
	}
	c.closeNow(err)
}
