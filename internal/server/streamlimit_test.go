package server

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// pickyStreamer streams bodies except for requests to /buffer, which it
// takes buffered (and answers with their length).
type pickyStreamer struct{ bodyCounter }

func (pickyStreamer) StreamsBody(r *Request) bool { return string(r.Path()) != "/buffer" }

func (p pickyStreamer) ServeHTTP1(w *ResponseWriter, r *Request) {
	if string(r.Path()) == "/buffer" {
		w.WriteHeader(200)
		w.WriteString("buffered")
		return
	}
	p.bodyCounter.ServeHTTP1(w, r)
}

// TestStreamedBodyLimit: Limits.MaxBodyBytes bounds buffered bodies only;
// a streamed body is bounded by MaxStreamedBodyBytes (none by default), by
// its Content-Length at the head or as a chunked body grows.
func TestStreamedBodyLimit(t *testing.T) {
	body := bytes.Repeat([]byte("z"), 3000)
	post := func(t *testing.T, s *Server, path string, chunked bool) int {
		var rd io.Reader = bytes.NewReader(body)
		if chunked {
			rd = struct{ io.Reader }{rd}
		}
		resp, err := (&http.Client{Timeout: testTimeout}).Post("http://"+s.Addr().String()+path, "application/octet-stream", rd)
		if err != nil {
			return -1 // the server may close while the client still sends
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	backends(t, func(t *testing.T, b loop.Backend) {
		cfg := Config{Handler: pickyStreamer{}}
		cfg.Limits.MaxBodyBytes = 1000
		s := startServer(t, b, cfg)
		for _, chunked := range []bool{false, true} {
			if got := post(t, s, "/stream", chunked); got != 200 {
				t.Errorf("streamed 3000 bytes (chunked %v) over a 1000-byte buffered limit: %d, want 200", chunked, got)
			}
			if got := post(t, s, "/buffer", chunked); got != 413 && got != -1 {
				t.Errorf("buffered 3000 bytes (chunked %v) over the 1000-byte limit: %d, want 413", chunked, got)
			}
		}
		cfg.MaxStreamedBodyBytes = 2000
		s = startServer(t, b, cfg)
		for _, chunked := range []bool{false, true} {
			if got := post(t, s, "/stream", chunked); got == 200 {
				t.Errorf("streamed 3000 bytes (chunked %v) over a 2000-byte streamed limit: 200", chunked)
			}
		}
	})
}
