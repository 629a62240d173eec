package http1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"strings"
	"testing"
)

// fuzzLimits picks the default or the small limits, so that fuzzing
// reaches the limit checks too.
func fuzzLimits(small bool) Limits {
	if small {
		return smallLimits
	}
	return Limits{}
}

// FuzzParseRequest checks that the parser never panics, that errors point
// inside the input, that parsing in two pieces gives exactly what parsing
// at once gives, that on inputs net/http also accepts, both agree on the
// method, the framing, the body length and keep-alive, and that an accepted
// HTTP/1.1 head written back with the writers parses to the same request.
func FuzzParseRequest(f *testing.F) {
	for _, s := range splitInputs() {
		f.Add([]byte(s), uint16(len(s)/2), false)
	}
	f.Add([]byte(typicalRequest), uint16(7), true)
	f.Fuzz(func(t *testing.T, in []byte, split uint16, small bool) {
		l := fuzzLimits(small)
		var p RequestParser
		p.Init(l)
		n, err := p.Parse(in)
		whole := describeRequest(&p, n, err)
		var e *Error
		if errors.As(err, &e) && (e.Offset < 0 || e.Offset > len(in)) {
			t.Fatalf("error offset %d outside input of %d bytes: %v", e.Offset, len(in), e)
		}
		if err == nil && (n <= 0 || n > len(in)) {
			t.Fatalf("head length %d for input of %d bytes", n, len(in))
		}
		k := int(split) % (len(in) + 1)
		if got := parseSplit(in, k, l); got != whole {
			t.Fatalf("split at %d:\n got %s\nwant %s", k, got, whole)
		}
		if err == nil {
			compareNetHTTPRequest(t, &p, in[:n])
			checkReserialized(t, &p)
		}
	})
}

// checkReserialized writes an accepted HTTP/1.1 request head back with the
// writers and checks that it parses to the same request.
func checkReserialized(t *testing.T, p *RequestParser) {
	r := p.Request()
	if r.ProtoMinor() != 1 {
		return // AppendRequestLine writes HTTP/1.1
	}
	out, err := AppendRequestLine(nil, r.MethodName(), r.Target())
	if err != nil {
		t.Fatalf("AppendRequestLine(%q, %q): %v", r.MethodName(), r.Target(), err)
	}
	h := r.Header()
	for i := 0; i < h.Len(); i++ {
		if out, err = AppendHeader(out, h.Name(i), h.Value(i)); err != nil {
			t.Fatalf("AppendHeader(%q, %q): %v", h.Name(i), h.Value(i), err)
		}
	}
	out = append(out, "\r\n"...)
	l := p.limits
	l.MaxHeaderBytes *= 2 // "name:v" comes back as "name: v"
	var q RequestParser
	q.Init(l)
	n, err := q.Parse(out)
	got, want := describeRequest(&q, n, err), describeRequest(p, n, nil)
	if got != want {
		t.Fatalf("re-serialized %q:\n got %s\nwant %s", out, got, want)
	}
}

// compareNetHTTPRequest parses head with net/http and, if it accepts it,
// compares the framing decisions.
func compareNetHTTPRequest(t *testing.T, p *RequestParser, head []byte) {
	hr, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
	if err != nil {
		return
	}
	r := p.Request()
	if hr.Method != string(r.MethodName()) {
		t.Fatalf("method %q, net/http %q", r.MethodName(), hr.Method)
	}
	if r.Form() == FormOrigin && hr.Host != string(r.Host()) {
		t.Fatalf("host %q, net/http %q", r.Host(), hr.Host)
	}
	f := r.Framing()
	chunked := len(hr.TransferEncoding) == 1 && hr.TransferEncoding[0] == "chunked"
	switch {
	case f.Kind == BodyChunked && !chunked,
		f.Kind != BodyChunked && chunked,
		f.Kind == BodyLength && hr.ContentLength != f.Length,
		f.Kind == BodyNone && hr.ContentLength != 0:
		t.Fatalf("framing %+v, net/http length %d coding %q", f, hr.ContentLength, hr.TransferEncoding)
	}
	if r.KeepAlive() == hr.Close {
		t.Fatalf("keep-alive %v, net/http close %v", r.KeepAlive(), hr.Close)
	}
}

// FuzzChunked checks that the chunked decoder never panics, gives the same
// result however the input is split, and that whatever it accepts,
// net/http's chunked reader reads as the same data.
func FuzzChunked(f *testing.F) {
	for _, tt := range chunkedTests {
		f.Add([]byte(tt.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		l := Limits{MaxBodyBytes: 1 << 20, MaxChunkLine: 64, MaxTrailerBytes: 256}
		whole := decodeChunked(in, 0, l)
		if got := decodeChunked(in, int(step%16)+1, l); got != whole {
			t.Fatalf("in pieces of %d:\n got %s\nwant %s", step%16+1, got, whole)
		}
		if !strings.HasPrefix(whole, "body ") {
			return
		}
		var d BodyDecoder
		d.Reset(Framing{Kind: BodyChunked}, l)
		var ours []byte
		for rest := in; !d.Done(); {
			data, n, _ := d.Next(rest)
			ours = append(ours, data...)
			rest = rest[n:]
		}
		theirs, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(in)))
		if err != nil || !bytes.Equal(ours, theirs) {
			t.Fatalf("we read %q, net/http read %q, %v", ours, theirs, err)
		}
	})
}

// FuzzParseResponse checks that the response parser never panics, gives
// the same result however the input is split, and agrees with net/http on
// status and framing where both accept a response.
func FuzzParseResponse(f *testing.F) {
	for _, tt := range responseTests {
		f.Add([]byte(tt.in), uint16(len(tt.in)/3), tt.head)
	}
	f.Fuzz(func(t *testing.T, in []byte, split uint16, head bool) {
		var p ResponseParser
		p.Reset(head)
		n, err := p.Parse(in)
		whole := describeResponse(&p, n, err)
		var e *Error
		if errors.As(err, &e) && (e.Status != 502 || e.Offset < 0 || e.Offset > len(in)) {
			t.Fatalf("bad error %v", e)
		}
		k := int(split) % (len(in) + 1)
		var q ResponseParser
		q.Reset(head)
		n2, err2 := q.Parse(in[:k:k])
		if err2 == ErrNeedMore {
			n2, err2 = q.Parse(append([]byte(nil), in...))
		}
		if got := describeResponse(&q, n2, err2); got != whole {
			t.Fatalf("split at %d:\n got %s\nwant %s", k, got, whole)
		}
		if err != nil {
			return
		}
		var req *http.Request
		if head {
			req = &http.Request{Method: "HEAD"}
		}
		hr, herr := http.ReadResponse(bufio.NewReader(bytes.NewReader(in[:n])), req)
		if herr != nil {
			return
		}
		r := p.Response()
		if hr.StatusCode != r.Status() {
			t.Fatalf("status %d, net/http %d", r.Status(), hr.StatusCode)
		}
		fr := r.Framing()
		chunked := len(hr.TransferEncoding) == 1 && hr.TransferEncoding[0] == "chunked"
		switch {
		case fr.Kind == BodyChunked && !chunked,
			fr.Kind == BodyLength && hr.ContentLength != fr.Length,
			fr.Kind == BodyUntilClose && hr.ContentLength != -1,
			fr.Kind == BodyNone && hr.ContentLength > 0 && !head && r.Status() != 304:
			t.Fatalf("framing %+v, net/http length %d coding %q", fr, hr.ContentLength, hr.TransferEncoding)
		}
	})
}

// FuzzPath checks that path normalisation never panics, that its output
// starts with '/' and holds no dot segments, and that CleanPath is
// idempotent.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"/a/b/../c", "/%2e%2e/x", "/a%2fb", "//a/./b/", "/caf%C3%A9"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		dec, derr := NormalizePath(nil, in)
		clean, cerr := CleanPath(nil, in)
		if (derr == nil) != (cerr == nil) {
			t.Fatalf("NormalizePath error %v, CleanPath error %v", derr, cerr)
		}
		if cerr != nil {
			return
		}
		for _, out := range [][]byte{dec, clean} {
			if len(out) == 0 || out[0] != '/' {
				t.Fatalf("output %q does not start with /", out)
			}
		}
		for _, seg := range bytes.Split(clean, []byte("/")) {
			if string(seg) == "." || string(seg) == ".." {
				t.Fatalf("dot segment left in %q", clean)
			}
		}
		again, err := CleanPath(nil, clean)
		if err != nil || !bytes.Equal(again, clean) {
			t.Fatalf("CleanPath(%q) = %q, %v; not idempotent", clean, again, err)
		}
	})
}

// FuzzAppendHeader checks that whatever AppendHeader and AppendRequestLine
// accept, the request parser reads back as the same method, target, field
// name and value (the value without surrounding whitespace), so the writers
// cannot be used to inject lines.
func FuzzAppendHeader(f *testing.F) {
	f.Add("GET", "/", "X-A", "v")
	f.Add("POST", "/a?b", "X-B", "a\r\nHost: evil")
	f.Add("PUT", "/\x00", "X:Y", " \tv\x80 ")
	f.Fuzz(func(t *testing.T, method, target, name, value string) {
		b, err := AppendRequestLine(nil, method, target)
		if err != nil {
			return
		}
		b = append(b, "Host: h\r\n"...)
		b, err = AppendHeader(b, name, value)
		if err != nil {
			return
		}
		b = append(b, "\r\n"...)
		var p RequestParser
		n, err := p.Parse(b)
		var e *Error
		if errors.As(err, &e) && e.Status != 400 {
			return // a semantic rejection (405, 501, ...) of well-formed lines
		}
		if err != nil {
			if lookupKnown([]byte(name)) != knownOther || target[0] != '/' {
				return // a framing field or target form the parser judges
			}
			t.Fatalf("written %q, parse error %v", b, err)
		}
		r := p.Request()
		h := r.Header()
		last := h.Len() - 1
		if n != len(b) || string(r.MethodName()) != method || string(r.Target()) != target ||
			string(h.Name(last)) != name || string(h.Value(last)) != strings.Trim(value, " \t") {
			t.Fatalf("written %q, read back %q %q %q=%q", b, r.MethodName(), r.Target(), h.Name(last), h.Value(last))
		}
	})
}
