package proxy

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

var (
	errUpstreamClosed = errors.New("proxy: upstream connection closed")
	zeroCompletion    server.Completion
	epoch             = time.Now() // the origin of monoNow
)

// monoNow reads the monotonic clock: the time since epoch. It costs half
// a time.Now, which also reads the wall clock.
func monoNow() time.Duration { return time.Since(epoch) }

// exchange is one request forwarded upstream and its response, on one
// loop. It moves to a new connection once if a pooled one fails before
// answering (retry).
type exchange struct {
	pl      *pool
	abortFn func()             // abort, as a func value made once
	bodyFn  func([]byte, bool) // onBody, as a func value made once
	drainFn func()             // onDrain, as a func value made once
	timerFn func()             // onTimer, as a func value made once
	done    server.Completion
	method  http1.Method
	req     []byte // the upstream request, head and body
	target  []byte // scratch for the request-target
	view    view   // the request being forwarded (fields reused)

	uc       *upConn
	reused   bool // uc came from the pool
	retried  bool
	inflight int  // sends of req the kernel may still be reading
	sendErr  bool // the request could not be sent completely
	got      bool // a response byte arrived
	finished bool

	timer    loop.Timer
	timerOn  bool
	timerAt  time.Duration // when the running timer fires (monoNow)
	deadline time.Duration // when the current wait times out (monoNow)
	recvAt   time.Duration // when the last response bytes came (monoNow)

	buf     []byte // received bytes: the response head, then undecoded body bytes
	headLen int    // length of the parsed final head at the start of buf, 0 before
	parser  http1.ResponseParser
	dec     http1.BodyDecoder
	body    []byte // a buffered response's body

	// A streamed request body (server.BodyStreamer): r gives it, pend
	// collects it framed while sending is with the kernel.
	r          *server.Request
	streamReq  bool
	chunkedReq bool
	reqDone    bool // the whole request is queued (always, for a buffered body)
	bodyPaused bool // r.PauseBody is in effect
	pend       []byte
	sending    []byte
	maxBody    int64 // Outgoing.MaxBodyBytes: past it, 413 (0: no limit)
	bodyN      int64 // streamed body bytes received

	streaming bool // the response head is sent, the body follows as it comes
	upgrade   bool // the client asked to switch protocols
	tunnel    bool // switched: bytes are relayed both ways until a close
	paused    bool // receiving from the upstream waits for the client (onDrain)

	trip    *trip // the request's way through a Balancer (trip.go), nil for Forward
	dialErr bool  // the connection could not be established
}

// start sends the request head in x.req, with the body when it is
// buffered (stream is noStream), else followed by r's body as it arrives;
// done finishes the client's response. now is monoNow.
func (x *exchange) start(done server.Completion, r *server.Request, stream int64, now time.Duration) {
	x.done, x.method, x.r = done, r.Method(), r
	x.upgrade, x.tunnel = upgradeOf(r) != nil, false
	done.Writer().OnAbort(x.abortFn)
	x.reused, x.retried, x.finished = false, false, false
	x.streamReq, x.chunkedReq, x.reqDone, x.bodyPaused = stream != noStream, stream == -1, stream == noStream, false
	x.pend, x.bodyN = x.pend[:0], 0
	if x.streamReq {
		r.OnBody(x.bodyFn)
	}
	x.send(false, now)
}

// onBody takes the next piece of a streamed request body (the last call
// has end set), framed as the upstream request says, and sends it.
func (x *exchange) onBody(data []byte, end bool) {
	if x.finished {
		return
	}
	if x.bodyN += int64(len(data)); x.maxBody > 0 && x.bodyN > x.maxBody {
		x.tooLarge()
		return
	}
	if x.chunkedReq {
		x.pend = http1.AppendChunk(x.pend, data)
		if end {
			x.pend = http1.AppendLastChunk(x.pend, nil)
		}
	} else {
		x.pend = append(x.pend, data...)
	}
	x.reqDone = end
	x.sendBody()
	if !end && len(x.pend) > streamHighWater {
		x.bodyPaused = true // until the upstream has taken what is queued
		x.pl.p.pauses.Add(1)
		x.r.PauseBody()
	}
}

// sendBody sends the queued body bytes unless a send is in flight (one
// at a time: onSend sends what queued meanwhile).
func (x *exchange) sendBody() {
	uc := x.uc
	if uc == nil || x.inflight > 0 || len(x.pend) == 0 {
		return
	}
	x.sending, x.pend = x.pend, x.sending[:0]
	if err := uc.send(x, x.sending); err != nil {
		x.connFailed()
		return
	}
	x.inflight++
}

// send sends the request on a pooled connection (unless fresh) or a new
// one; now is monoNow.
func (x *exchange) send(fresh bool, now time.Duration) {
	pl := x.pl
	var uc *upConn
	if !fresh {
		uc = pl.get()
	}
	x.reused = uc != nil
	if uc != nil {
		pl.p.reuses.Add(1)
	} else {
		var err error
		if uc, err = pl.dial(); err != nil {
			x.fail(502)
			return
		}
	}
	uc.x, x.uc = x, uc
	x.sendErr, x.got, x.streaming, x.paused, x.dialErr = false, false, false, false, false
	x.buf, x.headLen, x.body = x.buf[:0], 0, x.body[:0]
	x.parser.Reset(x.method == http1.MethodHead)
	if err := uc.send(x, x.req); err != nil {
		x.connFailed()
		return
	}
	x.inflight++
	if uc.dialing {
		x.arm(now, pl.p.cfg.DialTimeout)
	} else {
		x.arm(now, pl.p.cfg.ReadTimeout)
	}
}

// arm sets the deadline d from now (monoNow). A running timer due no later is kept:
// it re-arms itself for the rest when it fires early, so pushing the
// deadline on every receive, or for the next request on a recycled
// exchange, costs no timer operation.
func (x *exchange) arm(now, d time.Duration) {
	x.deadline = now + d
	if x.timerOn && x.timerAt <= x.deadline {
		return
	}
	x.stopTimer()
	x.startTimer(now, d)
}

// startTimer runs onTimer d after now. A complete response leaves the
// timer running (finish): on a finished exchange it does nothing, on the
// exchange's next request it waits for that request's deadline.
func (x *exchange) startTimer(now, d time.Duration) {
	x.timerOn = true
	x.timerAt = now + d
	x.timer = x.pl.lp.AfterFunc(d, x.timerFn)
}

// onTimer answers 504 once the deadline has passed, or waits for the rest.
func (x *exchange) onTimer() {
	x.timerOn = false
	if x.finished {
		return // the exchange is spare or waits for its last send
	}
	now := monoNow()
	if x.paused { // waiting for the client, whose writes the server times
		x.deadline = now + x.pl.p.cfg.ReadTimeout
	}
	if rest := x.deadline - now; rest > 0 {
		x.startTimer(now, rest)
		return
	}
	x.fail(504)
}

func (x *exchange) stopTimer() {
	if x.timerOn {
		x.timerOn = false
		x.pl.lp.StopTimer(x.timer)
	}
}

// onConnected continues after a new connection is established or failed.
func (x *exchange) onConnected(err error) {
	if err != nil {
		x.dialErr = true
		x.fail(502)
		return
	}
	x.arm(monoNow(), x.pl.p.cfg.ReadTimeout)
}

// onSend handles the end of a send of the request.
func (x *exchange) onSend(err error) {
	if err == nil {
		if x.streamReq && !x.got {
			x.deadline = monoNow() + x.pl.p.cfg.ReadTimeout // the upload progresses
		}
		x.sendBody()
		if x.bodyPaused && x.inflight == 0 && x.uc != nil {
			x.bodyPaused = false
			x.r.ResumeBody()
		}
		return
	}
	x.sendErr = true
	if x.canRetry() {
		x.retry()
	}
	// Otherwise the upstream may have answered early (413 before the end
	// of an upload) and reset the connection: wait for what the receive
	// side brings (the response, or its failure) or the timeout.
}

// canRetry reports whether a failure may be retried on a new connection:
// the connection came from the pool, nothing of a response arrived, the
// method is idempotent and this is the first retry.
func (x *exchange) canRetry() bool {
	if !x.reused || x.got || x.retried || x.streamReq {
		return false
	}
	switch x.method {
	case http1.MethodGet, http1.MethodHead, http1.MethodOptions, http1.MethodTrace, http1.MethodPut, http1.MethodDelete:
		return true
	}
	return false
}

// retry sends the request again on a new connection.
func (x *exchange) retry() {
	x.retried = true
	x.pl.p.retries.Add(1)
	x.dropConn()
	x.send(true, monoNow())
}

// connFailed handles a connection that failed before the response was
// complete: retry if allowed, else 502.
func (x *exchange) connFailed() {
	if x.canRetry() {
		x.retry()
		return
	}
	x.fail(502)
}

// onRecv handles received bytes or the end of the upstream's stream.
func (x *exchange) onRecv(b []byte, err error) {
	if x.tunnel {
		x.tunnelRecv(b, err)
		return
	}
	if err != nil {
		if err == io.EOF && x.headLen > 0 && x.parser.Response().Framing().Kind == http1.BodyUntilClose {
			x.finish(false)
			return
		}
		x.connFailed()
		return
	}
	x.got = true
	x.recvAt = monoNow()
	x.deadline = x.recvAt + x.pl.p.cfg.ReadTimeout
	x.buf = append(x.buf, b...)
	x.advance()
}

// advance parses the head and decodes the body received so far, finishing
// the exchange once the response is complete.
func (x *exchange) advance() {
	for x.headLen == 0 {
		n, err := x.parser.Parse(x.buf)
		if err == http1.ErrNeedMore {
			return
		}
		if err != nil {
			x.fail(502)
			return
		}
		resp := x.parser.Response()
		if !resp.Interim() {
			x.headLen = n
			if !x.begin(resp) {
				return
			}
			break
		}
		if resp.Status() == 101 {
			if x.upgrade {
				x.beginTunnel(resp, n)
			} else {
				x.fail(502) // switching without being asked
			}
			return
		}
		x.buf = x.buf[:copy(x.buf, x.buf[n:])]
		x.parser.Reset(x.method == http1.MethodHead)
	}
	pos := x.headLen
	for !x.dec.Done() {
		data, k, err := x.dec.Next(x.buf[pos:])
		if err != nil {
			x.fail(502)
			return
		}
		if k == 0 {
			break
		}
		pos += k
		if !x.streaming {
			x.body = append(x.body, data...)
			continue
		}
		w := x.done.Writer()
		if w == nil {
			return // the client is gone: abort ran
		}
		w.Write(data)
	}
	rest := copy(x.buf[x.headLen:], x.buf[pos:])
	x.buf = x.buf[:x.headLen+rest]
	if x.dec.Done() {
		x.finish(rest == 0)
		return
	}
	if w := x.done.Writer(); x.streaming && !x.paused && w != nil && w.Buffered() > streamHighWater {
		x.paused = true // until the client has taken what is queued (onDrain)
		x.pl.p.pauses.Add(1)
		x.uc.pause()
	}
}

// streamHighWater is how much of a streamed response may wait for the
// client before the proxy stops reading from the upstream.
const streamHighWater = 256 << 10

// begin prepares the body of the final response head resp: buffered when
// its Content-Length is at most Config.BufferResponseBytes (or it has no
// body), else streamed: the head goes to the client now and the body as it
// arrives. It reports false if the exchange failed.
func (x *exchange) begin(resp *http1.Response) bool {
	if x.trip != nil {
		x.trip.gotHead(resp.Status())
	}
	cfg := &x.pl.p.cfg
	f := resp.Framing()
	x.dec.Reset(f, http1.Limits{MaxBodyBytes: -1, MaxChunkLine: cfg.Limits.MaxChunkLine, MaxTrailerBytes: cfg.Limits.MaxTrailerBytes, MaxHeaders: cfg.Limits.MaxHeaders})
	n := int64(-1)
	switch {
	case x.method == http1.MethodHead:
		// No body, but the client should see the length a GET would get.
		v := resp.Header().Get("content-length")
		if v == nil {
			return true
		}
		l, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || l < 0 {
			return true
		}
		n = l
	case f.Kind == http1.BodyNone:
		return true
	case f.Kind == http1.BodyLength:
		if f.Length <= cfg.BufferResponseBytes {
			return true
		}
		n = f.Length
	}
	w := x.done.Writer()
	if w == nil {
		return false // the client is gone: abort ran
	}
	x.relayHead(w, resp)
	if err := w.Stream(n); err != nil {
		x.fail(502)
		return false
	}
	x.streaming = true
	w.OnDrain(x.drainFn)
	return true
}

// onDrain resumes reading from the upstream once the client has taken the
// streamed bytes queued for it.
func (x *exchange) onDrain() {
	if x.paused && x.uc != nil {
		x.paused = false
		x.uc.resume()
	}
}

// relayHead sets w's status and header fields from the upstream's
// response, without the hop-by-hop fields and the framing.
func (x *exchange) relayHead(w *server.ResponseWriter, resp *http1.Response) {
	if x.trip != nil && x.trip.relayHead(resp) {
		return
	}
	w.WriteHeader(resp.Status())
	h := resp.Header()
	conn := connNames(h.Get("connection"))
	for i := 0; i < h.Len(); i++ {
		name := h.Name(i)
		if hopByHop(name, conn) || equalFold(name, "content-length") {
			continue
		}
		w.AddHeaderBytes(fieldName(name), h.Value(i))
	}
}

// finish relays the complete response to the client and pools the
// connection if it can carry another request (keepable: no bytes beyond
// the response arrived).
func (x *exchange) finish(keepable bool) {
	resp := x.parser.Response()
	keep := keepable && resp.KeepAlive() && !x.sendErr && x.reqDone && len(x.pend) == 0 && !x.pl.p.cfg.DisableKeepAlive
	if w := x.done.Writer(); w != nil && !x.streaming {
		x.relayHead(w, resp)
		w.Write(x.body)
	}
	uc := x.uc
	x.detach()
	switch {
	case !keep:
		uc.close()
	case uc.sending():
		uc.keepAfterSend = true // OnSend pools it
	default:
		x.pl.put(uc, x.recvAt)
	}
	x.complete()
}

// fail answers the client with status (502 or 504) and closes the
// connection.
func (x *exchange) fail(status int) {
	if x.finished {
		return
	}
	if x.trip != nil && x.trip.failed(status, x.uc == nil || x.uc.dialing || x.dialErr) {
		return
	}
	x.stopTimer()
	if uc := x.uc; uc != nil {
		x.detach()
		uc.close()
	}
	if w := x.done.Writer(); w != nil && x.streaming {
		w.Abort() // the head is sent: the client sees the body cut short
	} else if w != nil {
		w.WriteHeader(status)
		w.AddHeader("Content-Type", "text/plain; charset=utf-8")
		w.WriteString(itoa(status) + " " + http1.StatusText(status) + "\n")
	}
	x.complete()
}

// tooLarge ends the exchange when a streamed body went past maxBody: the
// upstream request is cut (its connection closed) and the client gets
// 413, or, if the response head was sent, a response cut short. The
// server closes the client's connection after it (the body is unread).
func (x *exchange) tooLarge() {
	x.stopTimer()
	if x.uc != nil {
		x.dropConn()
	}
	if w := x.done.Writer(); w != nil && x.streaming {
		w.Abort()
	} else if w != nil {
		w.WriteHeader(413)
		if x.trip == nil { // a balanced request's failure has no body, as Caddy's
			w.AddHeader("Content-Type", "text/plain; charset=utf-8")
			w.WriteString("413 Request Entity Too Large: http: request body too large\n")
		}
	}
	x.complete()
}

// abort ends the exchange when the client's connection closed before the
// response was finished (server.ResponseWriter.OnAbort): the upstream
// connection, in an unknown state, is closed.
func (x *exchange) abort() {
	if x.finished {
		return
	}
	x.stopTimer()
	if x.uc != nil {
		x.dropConn()
	}
	x.complete()
}

// complete finishes the client's response and recycles the exchange.
func (x *exchange) complete() {
	x.finished = true
	done := x.done
	if x.trip != nil {
		x.trip.end()
	}
	if x.inflight == 0 {
		x.pl.putExchange(x)
	}
	done.Finish()
}

// dropConn closes the exchange's connection without answering.
func (x *exchange) dropConn() {
	x.stopTimer()
	uc := x.uc
	x.detach()
	uc.close()
}

// detach separates the exchange from its connection.
func (x *exchange) detach() {
	if uc := x.uc; uc != nil {
		uc.x, x.uc = nil, nil
		if x.paused {
			x.paused = false
			uc.resume()
		}
	}
}
