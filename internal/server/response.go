package server

import (
	"github.com/zeroserve/zeroserve/internal/http1"
)

// ResponseWriter builds the response to one request: a status, header
// field lines and a body, buffered until the response is finished and then
// written into the connection's send buffer in one piece (head and body
// together), or, for a deferred response, sent as it comes after Stream. The server adds Content-Length, Date, Server (unless the
// handler set them) and Connection; handlers may not set framing fields.
// It is owned by the connection and reused: do not keep it after the
// response is finished.
type ResponseWriter struct {
	c         *conn
	status    int
	head      []byte // validated field lines, "Name: value\r\n" each
	body      []byte
	err       error // first invalid header or status: answered with 500
	hasDate   bool
	hasServer bool
	close     bool // close the connection after this response
	abort     bool // close without a response (Abort)
	deferred  bool
	done      bool
	onAbort   func() // see OnAbort

	// Streaming (Stream): the head is sent and Write sends body bytes.
	stream   bool
	chunked  bool   // the body is sent with the chunked coding
	noBody   bool   // HEAD, 204 or 304: Write discards
	remain   int64  // Content-Length bytes still to send (not chunked)
	streamed int64  // body bytes sent, for the access log
	onDrain  func() // see OnDrain

	enc     bodyEncoder // response compression (Encode, encode.go)
	logInfo accessInfo  // for the Caddy access log (SetAccessLog)
}

// reset prepares w for the next request, keeping its buffers.
func (w *ResponseWriter) reset() {
	*w = ResponseWriter{c: w.c, head: w.head[:0], body: w.body[:0], enc: w.enc.recycle()}
	w.status = 200
}

// WriteHeader sets the response status (default 200). Only final statuses
// (200–999) can be set; others make the response a 500.
func (w *ResponseWriter) WriteHeader(code int) {
	if code < 200 || code > 999 {
		w.setErr(http1.ErrStatusCode)
		return
	}
	w.status = code
}

// AddHeader appends the field line "name: value". It returns an error, and
// the response becomes a 500, for an invalid name or value or for a field
// the server owns (Content-Length, Transfer-Encoding, Connection,
// Keep-Alive).
func (w *ResponseWriter) AddHeader(name, value string) error {
	if err := w.checkName(name); err != nil {
		return err
	}
	head, err := http1.AppendHeader(w.head, name, value)
	return w.setHead(head, name, err)
}

// AddHeaderBytes is AddHeader with the value as bytes.
func (w *ResponseWriter) AddHeaderBytes(name string, value []byte) error {
	if err := w.checkName(name); err != nil {
		return err
	}
	head, err := http1.AppendHeader(w.head, name, value)
	return w.setHead(head, name, err)
}

func (w *ResponseWriter) setHead(head []byte, name string, err error) error {
	if err != nil {
		return w.setErr(&HeaderError{Name: name, Reason: err.Error()})
	}
	w.head = head
	switch {
	case asciiEqualFold(name, "date"):
		w.hasDate = true
	case asciiEqualFold(name, "server"):
		w.hasServer = true
	}
	return nil
}

func (w *ResponseWriter) checkName(name string) error {
	if w.done {
		return ErrFinished
	}
	for _, f := range [...]string{"content-length", "transfer-encoding", "connection", "keep-alive"} {
		if asciiEqualFold(name, f) {
			return w.setErr(&HeaderError{Name: name, Reason: "set by the server"})
		}
	}
	return nil
}

// Write appends p to the body (sends it, after Stream).
func (w *ResponseWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, ErrFinished
	}
	if w.stream {
		return w.writeStream(p)
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// WriteString appends s to the body (sends it, after Stream).
func (w *ResponseWriter) WriteString(s string) (int, error) {
	if w.done {
		return 0, ErrFinished
	}
	if w.stream {
		return w.writeStream([]byte(s))
	}
	w.body = append(w.body, s...)
	return len(s), nil
}

// CloseAfter asks for the connection to close after this response.
func (w *ResponseWriter) CloseAfter() { w.close = true }

// Abort ends the request without a response: the connection closes once
// the responses to earlier pipelined requests are sent (a script's
// zs_abort). The access log records status 0.
func (w *ResponseWriter) Abort() { w.abort = true }

// Defer keeps the response open after ServeHTTP1 returns: the handler
// finishes it later, on the connection's loop goroutine, through the
// returned Completion. Until then the connection reads no further request.
func (w *ResponseWriter) Defer() Completion {
	w.deferred = true
	return Completion{c: w.c, gen: w.c.gen, seq: w.c.seq}
}

// OnAbort registers f to run on the loop if the connection closes (the
// client went away, a timeout, Server.Close) before the deferred response
// is finished: a reverse proxy cancels its upstream request there. The
// Completion is dead by then.
func (w *ResponseWriter) OnAbort(f func()) { w.onAbort = f }

func (w *ResponseWriter) setErr(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}

// Completion finishes a deferred response. It is a small value that stays
// safe to use after the connection closed: its methods then report
// ErrConnClosed. Use it only on the connection's loop goroutine.
type Completion struct {
	c   *conn
	gen uint32 // the connection's gen
	seq uint32 // the request's number on the connection
}

// live reports whether the deferred response still waits for Finish.
func (d Completion) live() bool {
	return d.c != nil && d.c.gen == d.gen && d.c.seq == d.seq && d.c.state == stateHandle && d.c.rw.deferred && !d.c.rw.done
}

// Writer returns the deferred response's writer, or nil when the
// connection is gone.
func (d Completion) Writer() *ResponseWriter {
	if !d.live() {
		return nil
	}
	return &d.c.rw
}

// Request returns the deferred response's request, or nil when the
// connection is gone.
func (d Completion) Request() *Request {
	if !d.live() {
		return nil
	}
	return &d.c.req
}

// Finish sends the deferred response and lets the connection go on with
// the next request.
func (d Completion) Finish() error {
	if !d.live() {
		return ErrConnClosed
	}
	d.c.finishResponse()
	if d.c.serving {
		return nil // finished inside ServeHTTP1: the running advance goes on
	}
	d.c.advance()
	d.c.flush()
	return nil
}

// asciiEqualFold reports whether a and b are equal under ASCII case folding.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
