package server

import "github.com/zeroserve/zeroserve/internal/http1"

// BodyStreamer is implemented by handlers that take a request body as it
// arrives instead of buffered (the reverse proxy). When StreamsBody returns
// true for a request with a body, ServeHTTP1 runs as soon as the head is
// parsed, with Request.Body empty; the handler defers its response and
// receives the body through Request.OnBody, holding it back with
// PauseBody and ResumeBody. A response finished before the whole body was
// read closes the connection afterwards (the rest cannot be skipped
// safely). "Expect: 100-continue" is answered when the head is parsed.
type BodyStreamer interface {
	StreamsBody(r *Request) bool
}

// bodyStream is the state of a streamed request body.
type bodyStream struct {
	active bool // the current request's body is streamed
	ended  bool // the final OnBody call was made
	paused bool
	on     func(data []byte, done bool)
}

// unread reports whether part of a streamed body was not read: a response
// finished now closes the connection (the rest cannot be skipped safely).
func (bs *bodyStream) unread() bool { return bs.active && !bs.ended }

// BodyStreamed reports whether r's body is streamed to the handler
// (BodyStreamer) instead of buffered: Body is then empty and OnBody
// delivers it.
func (r *Request) BodyStreamed() bool { return r.c != nil && r.c.bs.active }

// OnBody registers f to receive a streamed request body (see BodyStreamer):
// each call brings the next decoded bytes, valid only during the call, and
// a last call has done set. If the client's body is malformed or cut short
// the connection closes instead, and ResponseWriter.OnAbort is called.
func (r *Request) OnBody(f func(data []byte, done bool)) { r.c.bs.on = f }

// PauseBody stops OnBody calls until ResumeBody; bytes the client keeps
// sending wait in the receive buffer, then in the kernel (TCP holds the
// client back).
func (r *Request) PauseBody() { r.c.bs.paused = true }

// ResumeBody resumes OnBody calls. Call it on the loop, outside OnBody.
func (r *Request) ResumeBody() {
	c := r.c
	if !c.bs.paused || c.state != stateHandle {
		c.bs.paused = false
		return
	}
	c.bs.paused = false
	c.advance()
	c.flush()
	c.resume()
}

// startBodyStream prepares the body of the current request, framed as f,
// to be streamed to the handler.
func (c *conn) startBodyStream(f http1.Framing) {
	c.bs = bodyStream{active: true}
	if c.req.head.ExpectContinue() && len(c.rbuf) == c.rpos+c.headLen {
		c.out = http1.AppendContinue(c.out)
	}
	c.dec.Reset(f, c.w.srv.cfg.bodyLimits(true))
	c.state = stateHandle
}

// pumpBody hands the body bytes received so far to the handler, unless it
// paused them, and drops them from rbuf (the head before them stays: the
// request's slices point into it).
func (c *conn) pumpBody() {
	bs := &c.bs
	base := c.rpos + c.headLen
	for !bs.paused && !bs.ended && !c.rw.done && c.state == stateHandle {
		if c.dec.Done() {
			bs.ended = true
			c.deliver(nil, true)
			break
		}
		data, k, err := c.dec.Next(c.rbuf[base+c.bodyOff:])
		if err != nil {
			c.closeNow(err)
			return
		}
		if k == 0 {
			break
		}
		c.bodyOff += k
		if len(data) > 0 {
			c.deliver(data, false)
		}
	}
	if c.bodyOff > 0 && c.state == stateHandle {
		n := copy(c.rbuf[base:], c.rbuf[base+c.bodyOff:])
		c.rbuf = c.rbuf[:base+n]
		c.bodyOff = 0
	}
}

// deliver calls the handler's OnBody function. Completion.Finish called
// from it must not re-enter advance, which is running.
func (c *conn) deliver(data []byte, done bool) {
	if c.bs.on == nil {
		return
	}
	prev := c.serving
	c.serving = true
	c.bs.on(data, done)
	c.serving = prev
}
