package proxy

import (
	"sync"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// Trip is the caller's side of a request forwarded through a Balancer
// (Proxy.Balance): what the policy may look at, the request to send to
// each backend tried, and the edits of the response head.
type Trip struct {
	// Selection is the policy's view of the request.
	Selection Selection
	// Request returns the request to send to k; it is called for every
	// try, so that it may depend on the backend (Caddy's header_up with
	// {http.reverse_proxy.upstream.*}). nil sends the client's request.
	Request func(k *Backend) *Outgoing
	// Head, when set, may change the response's status and header fields
	// before they are sent; it runs on the request's loop, at most once,
	// for the upstream's response or for the failure that replaces it.
	Head func(h *Head)
	// Done runs once on the loop when the exchange is over (response
	// sent, failed, or the client gone); the caller's state that Request
	// and Head use may be released then, not before.
	Done func()
	// RetrySent reports whether a request that may have reached an
	// upstream may be tried again (Caddy's lb_retry_match); nil allows
	// it for GET only, as Caddy without lb_retry_match.
	RetrySent func() bool
}

// Head is a response head about to be sent to the client.
type Head struct {
	// Status is the status code.
	Status int
	// Header are the fields to send, in order (hop-by-hop fields and
	// the framing already removed).
	Header []HeaderField
	// Backend is the backend that answered or failed last; nil when none
	// was available.
	Backend *Backend
	// Failed is set when no upstream response is relayed: Status is 502,
	// 503 or 504, and the body is empty, as Caddy answers a proxy error
	// without error routes.
	Failed bool
}

// HeaderField is one header field of a Head.
type HeaderField struct{ Name, Value string }

// trip is one request's way through a Balancer: one exchange, moved from
// backend to backend on retries. Trips are recycled (trips) with their
// func values, made once.
type trip struct {
	p     *Proxy
	b     *Balancer
	t     *Trip
	r     *server.Request
	lp    *loop.Loop
	done  server.Completion
	x     *exchange
	k     *Backend      // the backend of the current try, nil between tries
	start time.Duration // when the first try started (monoNow)
	sent  time.Duration // when the current try started (monoNow)
	tries int           // retries made
	last  int           // the status of the last failure, 0 before any

	wait    loop.Timer
	waitOn  bool
	waitFn  func() // retry, as a func value made once
	abortFn func() // abort, as a func value made once
	ended   bool
	stream  int64 // how the request body goes upstream (serverStream)

	head    Head   // what Trip.Head edits (its Header reused)
	scratch []byte // the relayed head's names and values, before they become one string
}

// trips are the spare trips, shared by every loop.
var trips sync.Pool

// Balance forwards r to a backend of b chosen by its policy, trying
// again on failures as b allows (see BalancerConfig), with t's request and
// response edits. A buffered request body is sent again on a retry; a
// body the server streams (server.Request.BodyStreamed) goes to the first
// backend tried as it arrives, and the request is not tried again. The
// response streams as with Forward. Call it from a Handler, on the
// request's loop.
func (p *Proxy) Balance(w *server.ResponseWriter, r *server.Request, b *Balancer, t *Trip) {
	tr, _ := trips.Get().(*trip)
	if tr == nil {
		tr = &trip{}
		tr.waitFn, tr.abortFn = tr.retry, tr.abort
	}
	tr.p, tr.b, tr.t, tr.r, tr.lp, tr.done, tr.stream = p, b, t, r, r.Loop(), w.Defer(), serverStream(r)
	w.OnAbort(tr.abortFn)
	tr.try()
}

// try chooses a backend and sends the request to it.
func (tr *trip) try() {
	now := monoNow()
	if tr.tries == 0 {
		tr.start = now
	}
	k := tr.b.policy.Select(tr.b.backends, &tr.t.Selection)
	if k == nil {
		if tr.last == 0 {
			tr.last = 503
		}
		tr.again(true)
		return
	}
	tr.k, tr.sent = k, now
	k.requests.Add(1)
	u := k.Upstream()
	if !u.Addr.IsValid() && u.Unix == "" {
		tr.failed(502, true)
		return
	}
	pl := k.pool(tr.p, tr.lp, u)
	x := tr.x
	if x == nil {
		x = pl.getExchange()
		x.trip, tr.x, x.done = tr, x, tr.done // done also for an answer before x.start
	}
	x.pl = pl
	var out *Outgoing
	if tr.t.Request != nil {
		out = tr.t.Request(k)
	}
	x.maxBody = 0
	if out != nil {
		out.viewOf(&x.view, tr.r)
		x.maxBody = out.MaxBodyBytes
	} else {
		viewOf(&x.view, tr.r)
	}
	if x.inflight > 0 {
		x.req = nil // the kernel may still read the last try's request
	}
	var err error
	x.req, x.target, err = appendRequest(x.req[:0], x.target, &x.view, tr.r, u, tr.stream)
	if err != nil {
		tr.endTry()
		tr.answer(500, true) // the caller's changes cannot be sent
		return
	}
	x.start(tr.done, tr.r, tr.stream, now)
}

// endTry ends the current try's claim on its backend.
func (tr *trip) endTry() {
	if tr.k != nil {
		tr.k.requests.Add(-1)
		tr.k = nil
	}
}

// failed handles a try that failed before a response head was relayed
// (status 502 or 504; dial: the request cannot have reached the
// upstream): it counts a passive failure and tries again if allowed, or
// answers. It reports false when the response head is already out (the
// exchange then cuts the response short).
func (tr *trip) failed(status int, dial bool) bool {
	x := tr.x
	if x != nil && x.streaming {
		return false
	}
	if tr.k != nil {
		tr.k.countFail(tr.b.cfg.Passive.FailDuration)
	}
	tr.endTry()
	tr.last = status
	if x != nil {
		x.stopTimer()
		if x.uc != nil {
			x.dropConn()
		}
	}
	tr.again(dial)
	return true
}

// again waits for the next try if the balancer allows one (safe: no
// request reached an upstream this time), else answers the last failure.
func (tr *trip) again(safe bool) {
	if tr.stream != noStream || !tr.b.again(monoNow()-tr.start, tr.tries, safe, tr.retrySent) {
		tr.answer(tr.last, false)
		return
	}
	if d := tr.b.cfg.TryInterval; d > 0 {
		tr.waitOn = true
		tr.wait = tr.lp.AfterFunc(d, tr.waitFn)
		return
	}
	tr.retry()
}

// retrySent is Trip.RetrySent, GET only by default.
func (tr *trip) retrySent() bool {
	if tr.t.RetrySent != nil {
		return tr.t.RetrySent()
	}
	return tr.r.Method() == http1.MethodGet
}

// retry makes the next try.
func (tr *trip) retry() {
	tr.waitOn = false
	if tr.ended {
		return
	}
	tr.tries++
	tr.try()
}

// answer sends a failure response with status and an empty body (a
// text body when text is set), through Head, and ends the trip.
func (tr *trip) answer(status int, text bool) {
	if w := tr.done.Writer(); w != nil {
		h := &tr.head
		*h = Head{Status: status, Backend: tr.k, Failed: true, Header: h.Header[:0]}
		if tr.t.Head != nil {
			tr.t.Head(h)
		}
		w.WriteHeader(h.Status)
		for _, f := range h.Header {
			w.AddHeader(f.Name, f.Value)
		}
		if text {
			w.AddHeader("Content-Type", "text/plain; charset=utf-8")
			w.WriteString(itoa(status) + " " + http1.StatusText(status) + ": the request cannot be forwarded\n")
		}
	}
	if x := tr.x; x != nil {
		x.complete() // ends the trip
		return
	}
	done := tr.done
	tr.end()
	done.Finish()
}

// gotHead runs the passive checks on the status of the upstream's final
// response head, when it arrives: an unhealthy status, or a round trip
// (request sent to head received) of at least unhealthy_latency, counts
// a failure of the backend, as Caddy's reverseProxy does.
func (tr *trip) gotHead(status int) {
	k := tr.k
	if k == nil {
		return
	}
	ph := &tr.b.cfg.Passive
	for _, bad := range ph.UnhealthyStatus {
		if statusMatches(status, bad) {
			k.countFail(ph.FailDuration)
		}
	}
	if ph.UnhealthyLatency > 0 && monoNow()-tr.sent >= ph.UnhealthyLatency {
		k.countFail(ph.FailDuration)
	}
}

// relayHead is exchange.relayHead for a balanced request: if there is a
// cookie to set or a Head to call, the head is collected, the cookie
// policy's cookie added, Head may edit it, and it is set on the client's
// writer (reporting true); else the exchange relays it as is (false).
func (tr *trip) relayHead(resp *http1.Response) bool {
	status := resp.Status()
	w := tr.done.Writer()
	if w == nil || tr.t.Head == nil && tr.t.Selection.SetCookie == "" {
		return false
	}
	h := &tr.head
	*h = Head{Status: status, Backend: tr.k, Header: h.Header[:0]}
	if c := tr.t.Selection.SetCookie; c != "" {
		h.Header = append(h.Header, HeaderField{"Set-Cookie", c})
	}
	// The names and values outlive the receive buffer (Head may keep
	// them): they are copied into one string, then sliced.
	rh := resp.Header()
	conn := connNames(rh.Get("connection"))
	relayed := func(i int) bool {
		name := rh.Name(i)
		return !hopByHop(name, conn) && !equalFold(name, "content-length")
	}
	b := tr.scratch[:0]
	for i := 0; i < rh.Len(); i++ {
		if relayed(i) {
			b = append(append(b, rh.Name(i)...), rh.Value(i)...)
		}
	}
	tr.scratch = b
	all, at := string(b), 0
	for i := 0; i < rh.Len(); i++ {
		if relayed(i) {
			n, v := len(rh.Name(i)), len(rh.Value(i))
			h.Header = append(h.Header, HeaderField{all[at : at+n], all[at+n : at+n+v]})
			at += n + v
		}
	}
	if tr.t.Head != nil {
		tr.t.Head(h)
	}
	w.WriteHeader(h.Status)
	for _, f := range h.Header {
		w.AddHeader(f.Name, f.Value)
	}
	return true
}

// abort runs when the client went away while no exchange had taken over
// the writer's OnAbort.
func (tr *trip) abort() {
	if tr.x != nil {
		tr.x.abort()
		return
	}
	tr.end()
}

// end releases the trip once: the backend, the retry timer, and the
// caller's state (Done); the trip is then recycled, so its callers use
// none of its fields after end.
func (tr *trip) end() {
	if tr.ended {
		return
	}
	tr.ended = true
	tr.endTry()
	if tr.waitOn {
		tr.waitOn = false
		tr.lp.StopTimer(tr.wait)
	}
	if tr.x != nil {
		tr.x.trip = nil
	}
	if tr.t.Done != nil {
		tr.t.Done()
	}
	clear(tr.head.Header)
	*tr = trip{waitFn: tr.waitFn, abortFn: tr.abortFn, head: Head{Header: tr.head.Header[:0]}, scratch: tr.scratch[:0]}
	trips.Put(tr)
}
