package server

import (
	"errors"
	"fmt"

	"github.com/zeroserve/zeroserve/internal/http1"
)

var (
	errMisdirected = &http1.Error{Status: 421, Reason: "host not served here", Close: true}
	errPanic       = errors.New("server: handler panicked")
	// errClientGone: the peer ended its stream while a deferred response
	// was pending.
	errClientGone = errors.New("server: client closed the connection before the response")
	// errUnexpectedEOF: the peer ended its stream inside a request.
	errUnexpectedEOF = errors.New("server: end of stream inside a request body")
)

// advance runs the state machine on the bytes in rbuf until it needs more
// input, a send completion or a deferred handler's Finish. The clock is
// read at most once meanwhile (now).
func (c *conn) advance() {
	c.dl.running, c.dl.mono = true, 0
	c.step()
	c.dl.running = false
}

// step is advance: each case either moves to another state or returns.
func (c *conn) step() {
	for {
		switch c.state {
		case stateReadHead:
			if !c.readHead() {
				return
			}
		case stateReadBody:
			if !c.readBody() {
				return
			}
		case stateHandle:
			if !c.handled {
				c.serve()
			}
			if c.bs.active {
				c.pumpBody()
				if c.state != stateHandle {
					return
				}
			}
			if !c.rw.done {
				return // deferred: Completion.Finish calls advance again
			}
			if c.closeAfter {
				c.enterClosing()
				return
			}
			c.nextRequest()
		default: // stateHandshake, stateClosing, stateClosed
			return
		}
	}
}

// readHead parses the next request head. It reports whether the state
// changed.
func (c *conn) readHead() bool {
	in := c.rbuf[c.rpos:]
	if len(in) == 0 {
		if c.eof || c.w.draining {
			c.enterClosing()
			return false
		}
		if len(c.out) == 0 || c.inflight {
			// (Else the flush following advance sends the response and
			// sets the write deadline, which the idle one follows.)
			c.setDeadline(deadlineIdle, c.w.srv.cfg.IdleTimeout, false)
		}
		return false
	}
	if c.backlogged() {
		return false // OnSend resumes
	}
	n, err := c.parser.Parse(in)
	if err == http1.ErrNeedMore {
		if c.eof {
			c.enterClosing()
			return false
		}
		c.setDeadline(deadlineHeader, c.w.srv.cfg.ReadHeaderTimeout, false)
		return false
	}
	if err != nil {
		c.fail(err)
		return false
	}
	c.beginRequest(n)
	return true
}

// beginRequest sets up the request whose head is n bytes and picks the
// next state.
func (c *conn) beginRequest(n int) {
	c.headLen = n
	c.seq++
	c.start = c.clock()
	c.clearDeadline()
	head := c.parser.Request()
	if head.Form() == http1.FormAsterisk {
		c.path = append(c.path[:0], '*')
	} else {
		p, err := http1.NormalizePath(c.path[:0], head.Path())
		if err != nil {
			c.fail(err)
			return
		}
		c.path = p
	}
	if !c.w.srv.hostAllowed(head.Host()) {
		c.fail(errMisdirected)
		return
	}
	c.req = Request{c: c, head: head, path: c.path, body: c.body[:0]}
	c.bs = bodyStream{}
	c.rw.reset()
	c.handled = false
	if !head.KeepAlive() {
		c.closeAfter = true
	}
	f := head.Framing()
	if f.Kind == http1.BodyNone {
		c.state = stateHandle
		return
	}
	if bp, ok := c.w.srv.cfg.Handler.(BodyPolicy); ok && !bp.WantsBody(&c.req) {
		c.closeAfter = true // the unread body cannot be skipped safely
		c.state = stateHandle
		return
	}
	if bs, ok := c.w.srv.cfg.Handler.(BodyStreamer); ok && bs.StreamsBody(&c.req) {
		c.startBodyStream(f)
		return
	}
	if max := c.w.srv.cfg.Limits.MaxBodyBytes; f.Kind == http1.BodyLength && f.Length > max {
		// The parser let it through for a handler that could have
		// streamed it (Config.parserLimits); buffered, it is too large.
		c.fail(&http1.Error{Status: 413, Reason: "Content-Length exceeds the body limit"})
		return
	}
	if head.ExpectContinue() && len(c.rbuf) == c.rpos+n {
		c.out = http1.AppendContinue(c.out)
	}
	c.dec.Reset(f, c.w.srv.cfg.bodyLimits(false))
	c.body = c.body[:0]
	c.state = stateReadBody
}

// readBody decodes the body bytes received so far. It reports whether the
// body is complete (the state is then stateHandle).
func (c *conn) readBody() bool {
	for !c.dec.Done() {
		data, k, err := c.dec.Next(c.rbuf[c.rpos+c.headLen+c.bodyOff:])
		if err != nil {
			c.fail(err)
			return false
		}
		if k == 0 {
			if c.eof {
				c.stick(errUnexpectedEOF)
				c.enterClosing()
				return false
			}
			c.setDeadline(deadlineBody, c.w.srv.cfg.BodyTimeout, true)
			return false
		}
		c.body = append(c.body, data...)
		c.bodyOff += k
	}
	c.clearDeadline()
	c.req.body = c.body
	c.state = stateHandle
	return true
}

// serve calls the handler once for the current request and finishes the
// response unless the handler deferred it. A panicking handler gets a 500
// and the connection closes.
func (c *conn) serve() {
	c.handled = true
	c.serving = true
	defer func() {
		c.serving = false
		if v := recover(); v != nil {
			err := fmt.Errorf("%w: %v", errPanic, v)
			c.stick(err)
			c.rw.err = err
			c.rw.deferred = false
			c.closeAfter = true
			if !c.rw.done {
				c.finishResponse()
			}
		}
	}()
	c.w.srv.cfg.Handler.ServeHTTP1(&c.rw, &c.req)
	if !c.rw.deferred {
		c.finishResponse()
	}
}

// finishResponse appends the response (head and body) to out.
func (c *conn) finishResponse() {
	w := &c.rw
	w.done = true
	if w.close || w.abort || c.w.draining || c.bs.unread() {
		c.closeAfter = true
	}
	if w.abort {
		c.w.logRequest(c, 0, 0)
		return
	}
	if w.stream {
		c.finishStream()
		return
	}
	head := c.req.head
	status := w.status
	if w.err != nil {
		status = 500
		w.head = w.head[:0]
		w.body = w.body[:0]
		w.hasDate, w.hasServer = false, false
	} else {
		w.encodeBuffered(status)
	}
	out := c.appendHead(c.out, status, int64(len(w.body)))
	if http1.BodyAllowed(status, head.Method()) {
		out = append(out, w.body...)
	}
	c.out = out
	c.w.logRequest(c, status, len(w.body))
}

// appendHead appends the response head: the status line, Server and Date
// unless the handler set them, the handler's fields, the framing (a
// Content-Length of n; for n < 0 chunked, or nothing for an HTTP/1.0
// client, whose body ends with the connection; none for 204 and 304) and
// Connection.
func (c *conn) appendHead(out []byte, status int, n int64) []byte {
	w := &c.rw
	c.w.date.Update(c.clock())
	out, _ = http1.AppendStatusLine(out, status)
	if !w.hasServer {
		out = append(out, "Server: zeroserve\r\n"...)
	}
	if !w.hasDate {
		out = c.w.date.AppendHeader(out)
	}
	out = append(out, w.head...)
	switch {
	case status == 204 || status == 304:
	case n < 0:
		if c.req.head.ProtoMinor() == 1 && !w.noBody { // a HEAD answer of unknown length: no framing, as net/http
			out = http1.AppendChunked(out)
		}
	default:
		out = http1.AppendContentLength(out, n)
	}
	if c.closeAfter {
		out = http1.AppendConnectionClose(out)
	} else if c.req.head.ProtoMinor() == 0 {
		out = append(out, "Connection: keep-alive\r\n"...)
	}
	return append(out, "\r\n"...)
}

// nextRequest drops the answered request from rbuf and gets ready to parse
// the next one.
func (c *conn) nextRequest() {
	c.rpos += c.headLen + c.bodyOff
	c.headLen, c.bodyOff = 0, 0
	if c.rpos == len(c.rbuf) {
		c.rbuf, c.rpos = c.rbuf[:0], 0
	}
	c.parser.Reset()
	c.state = stateReadHead
	c.resume()
}
