package server

import "strconv"

// StreamBodyAbove is the largest fixed-length request body Scripts buffers
// before running the chain (the proxy engine's default
// BufferRequestBytes): larger and chunked bodies are streamed.
const StreamBodyAbove = 64 << 10

// StreamsBody reports whether Scripts takes r's body as it arrives
// (BodyStreamer), with the proxy engine's policy: chunked bodies and
// those with a Content-Length above StreamBodyAbove, when the server can
// proxy (Forward is set). The chain then runs on the head and sees an
// empty body (helpers.Request.BodyStreamed); a proxied request streams
// its body to the upstream, and a response the chain makes itself waits
// while the body is discarded (drainUnread).
func (s *Scripts) StreamsBody(r *Request) bool {
	if s.Forward == nil {
		return false
	}
	h := r.Header()
	if h.Has("transfer-encoding") {
		return true
	}
	n, err := strconv.ParseInt(string(h.Get("content-length")), 10, 64)
	return err == nil && n > StreamBodyAbove
}

// drainBound is how much of a streamed body the chain left unread Scripts
// reads and discards before its own response goes out, as net/http's
// handler does (maxPostHandlerReadBytes); past it the response goes out
// and the connection closes after it.
const drainBound = 256 << 10

// drainUnread runs after the chain, for a streamed request it answered
// itself (a response neither deferred, aborted nor streamed, with nobody
// taking the body): the response waits while the rest of the body is read
// and discarded, so that the connection can carry the next request; a
// body longer than drainBound closes the connection after the response.
func drainUnread(w *ResponseWriter, r *Request) {
	c := r.c
	if c == nil || !c.bs.active || c.bs.ended || c.bs.on != nil || w.deferred || w.abort || w.stream {
		return
	}
	done := w.Defer()
	n := 0
	r.OnBody(func(data []byte, end bool) {
		if n += len(data); end || n > drainBound {
			r.OnBody(nil)
			done.Finish()
		}
	})
}

// StreamsBody is Scripts.StreamsBody.
func (rl *Reloadable) StreamsBody(r *Request) bool { return rl.scripts.StreamsBody(r) }

var (
	_ BodyStreamer = (*Scripts)(nil)
	_ BodyStreamer = (*Reloadable)(nil)
)
