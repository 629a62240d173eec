package server

import (
	"errors"
	"math"

	"github.com/zeroserve/zeroserve/internal/http1"
)

// ErrBodyLength is returned by Write on a streamed response when the data
// goes beyond the length given to Stream; the connection then closes after
// the response.
var ErrBodyLength = errors.New("server: streamed body longer than its Content-Length")

// Stream sends the status and header fields of a deferred response now;
// its body then goes out as Write is called, and Completion.Finish ends it.
// n >= 0 is the body's length (Content-Length: n; finishing with fewer
// bytes sent closes the connection, so the client sees the truncation);
// n < 0 means unknown: chunked for an HTTP/1.1 client, delimited by the
// connection's close for an HTTP/1.0 one. For HEAD, 204 and 304 no body is
// sent (Write discards), and n is still the Content-Length of a HEAD
// response. A handler relaying a large body (the reverse proxy) watches
// Buffered and waits for OnDrain to bound what is queued. After Stream the
// status and fields can no longer change; Abort closes the connection
// without finishing the body.
func (w *ResponseWriter) Stream(n int64) error {
	if w.done {
		return ErrFinished
	}
	if w.stream || !w.deferred {
		return errors.New("server: Stream needs a deferred response, once")
	}
	if w.err != nil {
		return w.err
	}
	c := w.c
	if w.close || c.w.draining || c.bs.unread() {
		c.closeAfter = true
	}
	if n < 0 && c.req.head.ProtoMinor() == 0 {
		c.closeAfter = true
	}
	w.stream = true
	w.chunked = n < 0 && c.req.head.ProtoMinor() == 1
	w.noBody = !http1.BodyAllowed(w.status, c.req.head.Method())
	w.remain = n
	if n < 0 {
		w.remain = math.MaxInt64 // chunked, or until the close
	}
	if w.enc.on && w.noBody {
		n = w.encodeHead(n)
	}
	if w.enc.on && !w.noBody {
		w.enc.pending, w.enc.length = true, n // the first body bytes decide (encode.go)
		return nil
	}
	c.out = c.appendHead(c.out, w.status, n)
	c.flush()
	return nil
}

// Buffered returns how many bytes of the response the kernel has not yet
// taken from the connection.
func (w *ResponseWriter) Buffered() int {
	n := w.c.pendingOut()
	if w.c.inflight {
		n += len(w.c.sending)
	}
	return n
}

// OnDrain registers f to run on the loop whenever the connection has sent
// everything queued while a streamed response is unfinished: the moment to
// read more of the body's source.
func (w *ResponseWriter) OnDrain(f func()) { w.onDrain = f }

// writeStream frames p and sends it.
func (w *ResponseWriter) writeStream(p []byte) (int, error) {
	if w.noBody || len(p) == 0 {
		return len(p), nil
	}
	c := w.c
	in := len(p)
	if w.enc.pending {
		w.startStreamHead(p)
	}
	if w.enc.enc != nil {
		p = w.streamEncoded(p)
	}
	switch {
	case w.chunked:
		c.out = http1.AppendChunk(c.out, p)
	default:
		if int64(len(p)) > w.remain {
			w.close = true
			c.closeAfter = true
			return 0, ErrBodyLength
		}
		w.remain -= int64(len(p))
		c.out = append(c.out, p...)
	}
	w.streamed += int64(len(p))
	c.flush()
	return in, nil
}

// finishStream ends a streamed body: the last chunk, or a close when a
// Content-Length body fell short.
func (c *conn) finishStream() {
	w := &c.rw
	w.finishEncoded()
	switch {
	case w.noBody:
	case w.chunked:
		c.out = http1.AppendLastChunk(c.out, nil)
	case w.remain > 0: // short, or close-delimited
		c.closeAfter = true
	}
	c.w.logRequest(c, w.status, int(w.streamed))
}
