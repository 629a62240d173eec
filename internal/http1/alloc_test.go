//go:build !race

package http1

import (
	"testing"
	"time"
)

// TestAllocsParseAndRespond requires parsing a keep-alive request, reading a
// chunked body, normalising the path and writing a response to allocate
// nothing.
func TestAllocsParseAndRespond(t *testing.T) {
	var p RequestParser
	var d BodyDecoder
	var date DateCache
	date.Update(time.Now())
	req := []byte(typicalRequest)
	body := []byte("5\r\nhello\r\n0\r\nX: y\r\n\r\n")
	out := make([]byte, 0, 4096)
	pathBuf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		p.Reset()
		n, err := p.Parse(req)
		if err != nil || n != len(req) {
			t.Fatalf("parse: %d %v", n, err)
		}
		r := p.Request()
		if !r.KeepAlive() || r.Header().Get("cookie") == nil {
			t.Fatal("bad parse")
		}
		pathBuf, err = NormalizePath(pathBuf[:0], r.Path())
		if err != nil {
			t.Fatal(err)
		}
		d.Reset(Framing{Kind: BodyChunked}, Limits{})
		for rest := body; !d.Done(); {
			_, k, err := d.Next(rest)
			if err != nil {
				t.Fatal(err)
			}
			rest = rest[k:]
		}
		out, _ = AppendStatusLine(out[:0], 200)
		out = date.AppendHeader(out)
		out, _ = AppendHeader(out, "Content-Type", "application/javascript")
		out, _ = AppendHeader(out, "Server", r.Host())
		out = AppendContentLength(out, 5)
		out = append(out, "\r\nhello"...)
		out = AppendChunk(out, pathBuf)
		out = AppendLastChunk(out, d.Trailers())
	})
	if allocs != 0 {
		t.Errorf("%v allocations per request, want 0", allocs)
	}
}

// TestAllocsDateUpdate requires reformatting the date to allocate nothing.
func TestAllocsDateUpdate(t *testing.T) {
	var c DateCache
	now := time.Now()
	allocs := testing.AllocsPerRun(100, func() {
		now = now.Add(time.Second)
		c.Update(now)
	})
	if allocs != 0 || len(c.Value()) != len(dateLayout) {
		t.Errorf("%v allocations per Update, value %q", allocs, c.Value())
	}
}
