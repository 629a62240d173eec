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
// its body to the upstream, and a response the chain makes itself closes
// the connection after it (the unread rest cannot be skipped safely).
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

// StreamsBody is Scripts.StreamsBody.
func (rl *Reloadable) StreamsBody(r *Request) bool { return rl.scripts.StreamsBody(r) }

var (
	_ BodyStreamer = (*Scripts)(nil)
	_ BodyStreamer = (*Reloadable)(nil)
)
