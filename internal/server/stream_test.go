package server

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// streamer streams the body "part0part1...part{n-1}" from loop timers
// (one part per iteration, each after the previous was drained), with
// Stream(length) where the query gives "len=N" (-1 for unknown), and ends
// it short when the query has "short".
var streamer = HandlerFunc(func(w *ResponseWriter, r *Request) {
	q := string(r.Query())
	n := int64(-1)
	if i := strings.Index(q, "len="); i >= 0 {
		n, _ = strconv.ParseInt(strings.SplitN(q[i+4:], "&", 2)[0], 10, 64)
	}
	parts := 4
	if strings.Contains(q, "short") {
		parts = 3
	}
	done := w.Defer()
	w.AddHeader("X-Streamed", "yes")
	if err := w.Stream(n); err != nil {
		panic(err)
	}
	i := 0
	var next func()
	next = func() {
		w := done.Writer()
		if w == nil {
			return
		}
		if i == parts {
			done.Finish()
			return
		}
		io.WriteString(w, "part"+strconv.Itoa(i))
		i++
		if w.Buffered() == 0 {
			r.Loop().AfterFunc(0, next)
		}
	}
	w.OnDrain(func() { r.Loop().AfterFunc(0, next) })
	r.Loop().AfterFunc(0, next)
})

func TestStream(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: streamer})
		c := dial(t, s)
		br := bufio.NewReader(c)
		const body = "part0part1part2part3"

		io.WriteString(c, "GET /?len=-1 HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, got := readResponse(t, br, "GET")
		if got != body || len(resp.TransferEncoding) != 1 || resp.Header.Get("X-Streamed") != "yes" {
			t.Fatalf("chunked: %q %v %v", got, resp.TransferEncoding, resp.Header)
		}
		io.WriteString(c, "GET /?len=20 HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, got = readResponse(t, br, "GET")
		if got != body || resp.ContentLength != 20 || resp.Close {
			t.Fatalf("fixed: %q %d close=%v", got, resp.ContentLength, resp.Close)
		}
		io.WriteString(c, "HEAD /?len=20 HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, got = readResponse(t, br, "HEAD")
		if got != "" || resp.ContentLength != 20 {
			t.Fatalf("HEAD: %q Content-Length %d", got, resp.ContentLength)
		}
		// A body longer than announced fails the write and closes.
		io.WriteString(c, "GET /?len=7 HTTP/1.1\r\nHost: x\r\n\r\n")
		rest, _ := io.ReadAll(br)
		if !bytes.HasSuffix(rest, []byte("\r\n\r\npart0")) {
			t.Fatalf("overlong body: %q", rest)
		}

		// Short of its Content-Length: the connection closes after the
		// bytes sent, so the client sees the truncation.
		c = dial(t, s)
		io.WriteString(c, "GET /?len=20&short HTTP/1.1\r\nHost: x\r\n\r\n")
		rest, _ = io.ReadAll(c)
		if !bytes.HasSuffix(rest, []byte("\r\n\r\npart0part1part2")) {
			t.Fatalf("short body: %q", rest)
		}
		// HTTP/1.0, unknown length: delimited by the close.
		c = dial(t, s)
		io.WriteString(c, "GET /?len=-1 HTTP/1.0\r\n\r\n")
		rest, _ = io.ReadAll(c)
		if !bytes.HasSuffix(rest, []byte("\r\n\r\n"+body)) || bytes.Contains(rest, []byte("chunked")) {
			t.Fatalf("HTTP/1.0 stream: %q", rest)
		}
	})
}

// Stream is refused on a response that is not deferred.
func TestStreamNotDeferred(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		errc := make(chan error, 1)
		s := startServer(t, b, Config{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) { errc <- w.Stream(1) })})
		c := dial(t, s)
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		readResponse(t, bufio.NewReader(c), "GET")
		if err := <-errc; err == nil {
			t.Fatal("Stream without Defer succeeded")
		}
	})
}
