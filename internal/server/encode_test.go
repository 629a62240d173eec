package server

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/script"
)

// encodeSite is a Caddyfile whose responses the encode handler sees:
// static responses of several sizes and types.
var encodeSite = `:80 {
	encode gzip zstd
	@big path /big /big-typed /no-transform /etagged
	header /big-typed Content-Type image/png
	header /no-transform Cache-Control no-transform
	header /etagged ETag "\"v1\""
	header /etagged Accept-Ranges bytes
	respond @big "` + strings.Repeat("compress me please ", 40) + `"
	respond /small "tiny"
	respond /notmod 304
	respond /empty 200
}`

// encodeStreamer streams parts of the size the query's "part=N" gives
// (3 parts of 'a'), with Stream(len) from "len=N" (-1: unknown), as
// text/plain; Content-Type is left out with "untyped".
var encodeStreamer = HandlerFunc(func(w *ResponseWriter, r *Request) {
	q := string(r.Query())
	param := func(k string, def int) int {
		for kv := range strings.SplitSeq(q, "&") {
			if v, ok := strings.CutPrefix(kv, k+"="); ok {
				n, _ := strconv.Atoi(v)
				return n
			}
		}
		return def
	}
	part, n := param("part", 100), param("len", -1)
	done := w.Defer()
	if !strings.Contains(q, "untyped") {
		w.AddHeader("Content-Type", "text/plain")
	}
	if err := w.Stream(int64(n)); err != nil {
		panic(err)
	}
	r.Loop().AfterFunc(0, func() {
		w := done.Writer()
		for i := range 3 {
			w.Write(bytes.Repeat([]byte{'a' + byte(i)}, part))
		}
		done.Finish()
	})
})

// rawGet sends a request without transparent decompression and returns
// the response and its body decoded per Content-Encoding.
func rawGet(t *testing.T, s *Server, method, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+s.Addr().String()+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Timeout: testTimeout, Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	switch resp.Header.Get("Content-Encoding") {
	case "gzip":
		if method == "HEAD" {
			break
		}
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatalf("%s: gzip: %v", path, err)
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(r)
		if err != nil {
			t.Fatalf("%s: zstd: %v", path, err)
		}
		defer zr.Close()
		r = zr
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: body: %v", path, err)
	}
	return resp, string(body)
}

// TestEncode serves compiled encode handlers on both backends: buffered
// and streamed bodies, negotiation, minimum_length, match, no-transform,
// ETag and Accept-Ranges, 304, HEAD, and Content-Type sniffing.
func TestEncode(t *testing.T) {
	big := strings.Repeat("compress me please ", 40)
	backends(t, func(t *testing.T, b loop.Backend) {
		site := compiledScripts(t, encodeSite)
		enc := compiledScripts(t, ":80 {\n\tencode gzip zstd\n}").Chain
		// /stream: the encode handler's choice, then encodeStreamer.
		h := HandlerFunc(func(w *ResponseWriter, r *Request) {
			if !bytes.HasPrefix(r.Path(), []byte("/stream")) {
				site.ServeHTTP1(w, r)
				return
			}
			ex := &helpers.Exchange{Meta: map[string]string{}}
			ex.Req.Method, ex.Req.Path = "GET", "/"
			ex.Req.Header = []helpers.Field{{Name: "Accept-Encoding", Value: string(r.Header().Get("Accept-Encoding"))}}
			if err := enc.Run(ex, script.DefaultFuel); err != nil {
				panic(err)
			}
			e, ok := ex.ResponseEncoding()
			if !ok {
				panic("no encoding chosen")
			}
			w.Encode(e)
			encodeStreamer.ServeHTTP1(w, r)
		})
		s := startServer(t, b, Config{Handler: h})
		for _, c := range []struct {
			method, path, accept string
			coding, vary, etag   string
			body                 string
		}{
			{"GET", "/big", "gzip", "gzip", "Accept-Encoding", "", big},
			{"GET", "/big", "gzip, zstd", "gzip", "Accept-Encoding", "", big}, // prefer: gzip zstd, as listed
			{"GET", "/big", "zstd, gzip;q=0.9", "zstd", "Accept-Encoding", "", big},
			{"GET", "/big", "zstd;q=0.5, gzip", "gzip", "Accept-Encoding", "", big},
			{"GET", "/big", "gzip;q=0, zstd;q=0", "", "Accept-Encoding", "", big},
			{"GET", "/big", "br", "", "Accept-Encoding", "", big},
			{"GET", "/big", "", "", "Accept-Encoding", "", big},
			{"GET", "/big-typed", "gzip", "", "", "", big},
			{"GET", "/no-transform", "gzip", "", "", "", big},
			{"GET", "/etagged", "gzip", "gzip", "Accept-Encoding", `"v1-gzip"`, big},
			{"GET", "/small", "gzip", "", "", "", "tiny"},
			{"GET", "/empty", "gzip", "", "", "", ""},
			{"GET", "/notmod", "gzip", "", "Accept-Encoding", "", ""},
			{"HEAD", "/big", "gzip", "gzip", "Accept-Encoding", "", ""},
			{"GET", "/stream?part=400&len=1200", "gzip", "gzip", "Accept-Encoding", "", strings.Repeat("a", 400) + strings.Repeat("b", 400) + strings.Repeat("c", 400)},
			{"GET", "/stream?part=600", "zstd", "zstd", "Accept-Encoding", "", strings.Repeat("a", 600) + strings.Repeat("b", 600) + strings.Repeat("c", 600)},
			{"GET", "/stream?part=400", "gzip", "", "", "", strings.Repeat("a", 400) + strings.Repeat("b", 400) + strings.Repeat("c", 400)},
			{"GET", "/stream?part=100&len=300", "gzip", "", "", "", strings.Repeat("a", 100) + strings.Repeat("b", 100) + strings.Repeat("c", 100)},
			{"HEAD", "/stream?part=600&len=1800", "gzip", "gzip", "Accept-Encoding", "", ""},
			{"HEAD", "/stream?part=100&len=300", "gzip", "", "", "", ""},
			{"GET", "/stream?part=600&untyped", "gzip", "gzip", "Accept-Encoding", "", strings.Repeat("a", 600) + strings.Repeat("b", 600) + strings.Repeat("c", 600)},
		} {
			resp, body := rawGet(t, s, c.method, c.path, "Accept-Encoding", c.accept)
			name := c.method + " " + c.path + " [" + c.accept + "]"
			if got := resp.Header.Get("Content-Encoding"); got != c.coding {
				t.Errorf("%s: Content-Encoding %q, want %q", name, got, c.coding)
			}
			if got := resp.Header.Get("Vary"); got != c.vary {
				t.Errorf("%s: Vary %q, want %q", name, got, c.vary)
			}
			if body != c.body {
				t.Errorf("%s: body %d bytes %.40q, want %d bytes", name, len(body), body, len(c.body))
			}
			if c.etag != "" && resp.Header.Get("Etag") != c.etag {
				t.Errorf("%s: ETag %q, want %q", name, resp.Header.Get("Etag"), c.etag)
			}
			if c.coding != "" && resp.Header.Get("Accept-Ranges") != "" {
				t.Errorf("%s: Accept-Ranges kept on an encoded response", name)
			}
			if strings.Contains(c.path, "untyped") && resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("%s: sniffed Content-Type %q", name, resp.Header.Get("Content-Type"))
			}
		}
	})
}

// BenchmarkEncode serves a 760-byte compiled static response compressed
// (gzip, zstd) and plain, on a keep-alive connection without I/O: the
// cost of compression per response and its allocations (encoders are
// pooled).
func BenchmarkEncode(b *testing.B) {
	h := compiledScripts(b, encodeSite)
	for _, accept := range []string{"gzip", "zstd", "identity"} {
		b.Run(accept, func(b *testing.B) {
			c := offlineConn(b, h)
			req := []byte("GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: " + accept + "\r\n\r\n")
			c.feed(req)
			if !strings.HasPrefix(string(c.out), "HTTP/1.1 200") {
				b.Fatalf("response %q", c.out)
			}
			b.ReportAllocs()
			for b.Loop() {
				c.out = c.out[:0]
				c.feed(req)
			}
		})
	}
}
