package http1

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// describeRequest renders everything a parse produced, to compare parses.
func describeRequest(p *RequestParser, n int, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d ", n)
	var e *Error
	if errors.As(err, &e) {
		fmt.Fprintf(&b, "error %d %q at %d close=%v", e.Status, e.Reason, e.Offset, e.Close)
		if e.Close {
			return b.String()
		}
	} else if err != nil {
		return b.String() + err.Error()
	}
	r := p.Request()
	fmt.Fprintf(&b, "%q %v %q %v path=%q query=%q host=%q 1.%d %+v ka=%v exp=%v up=%q fields:",
		r.MethodName(), r.Method(), r.Target(), r.Form(), r.Path(), r.Query(), r.Host(), r.ProtoMinor(),
		r.Framing(), r.KeepAlive(), r.ExpectContinue(), r.Upgrade())
	h := r.Header()
	for i := 0; i < h.Len(); i++ {
		fmt.Fprintf(&b, " %q=%q", h.Name(i), h.Value(i))
	}
	return b.String()
}

// parseSplit parses in[:k] and then, if more is needed, all of in copied to
// a fresh buffer (as a grown receive buffer would be).
func parseSplit(in []byte, k int, l Limits) string {
	p := new(RequestParser)
	p.Init(l)
	n, err := p.Parse(in[:k:k])
	if err == ErrNeedMore {
		n, err = p.Parse(append([]byte(nil), in...))
	}
	return describeRequest(p, n, err)
}

// parseBytewise feeds in one byte at a time.
func parseBytewise(in []byte, l Limits) string {
	p := new(RequestParser)
	p.Init(l)
	var n int
	err := ErrNeedMore
	for k := 1; k <= len(in) && err == ErrNeedMore; k++ {
		n, err = p.Parse(append([]byte(nil), in[:k]...))
	}
	return describeRequest(p, n, err)
}

// splitInputs are all the request tests' inputs.
func splitInputs() []string {
	var in []string
	for _, tt := range validRequests {
		in = append(in, tt.in)
	}
	for _, tt := range hostileRequests {
		in = append(in, tt.in)
	}
	return in
}

func TestParseRequestSplitEveryByte(t *testing.T) {
	for _, l := range []Limits{{}, smallLimits} {
		for _, s := range splitInputs() {
			in := []byte(s)
			p := new(RequestParser)
			p.Init(l)
			n, err := p.Parse(in)
			whole := describeRequest(p, n, err)
			for k := 0; k <= len(in); k++ {
				if got := parseSplit(in, k, l); got != whole {
					t.Errorf("%q split at %d:\n got %s\nwant %s", s, k, got, whole)
					break
				}
			}
			if got := parseBytewise(in, l); got != whole {
				t.Errorf("%q byte by byte:\n got %s\nwant %s", s, got, whole)
			}
		}
	}
}

func TestParseRequestPipelined(t *testing.T) {
	reqs := []string{
		"GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
		"PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\nT: 1\r\n\r\n",
		"GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
	}
	buf := []byte(strings.Join(reqs, ""))
	var p RequestParser
	var d BodyDecoder
	var paths, bodies []string
	for len(buf) > 0 {
		p.Reset()
		n, err := p.Parse(buf)
		if err != nil {
			t.Fatalf("request %d: %v", len(paths), err)
		}
		paths = append(paths, string(p.Request().Path()))
		f := p.Request().Framing()
		buf = buf[n:]
		d.Reset(f, Limits{})
		var body []byte
		for !d.Done() {
			data, n, err := d.Next(buf)
			if err != nil || n == 0 {
				t.Fatalf("body of request %d: n=%d err=%v", len(paths), n, err)
			}
			body = append(body, data...)
			buf = buf[n:]
		}
		bodies = append(bodies, string(body))
		if !p.Request().KeepAlive() {
			break
		}
	}
	if got, want := strings.Join(paths, " "), "/a /b /c /d"; got != want {
		t.Errorf("paths %q, want %q", got, want)
	}
	if got, want := strings.Join(bodies, "|"), "|abc|xyz|"; got != want {
		t.Errorf("bodies %q, want %q", got, want)
	}
	if len(buf) != 0 {
		t.Errorf("%d bytes left over", len(buf))
	}
}

// netHTTPRejects lists the valid-table requests net/http rejects, each
// with the reason we accept them.
var netHTTPRejects = map[string]string{
	"leading empty lines": "RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line",
}

// TestValidRequestsAgreeWithNetHTTP checks that net/http accepts every
// request of the valid table (but those listed in netHTTPRejects) and
// decides method, host, framing and keep-alive as we do.
func TestValidRequestsAgreeWithNetHTTP(t *testing.T) {
	for _, tt := range validRequests {
		p, n, err := parseAll(tt.in, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		head := []byte(tt.in[:n])
		_, err = http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		_, listed := netHTTPRejects[tt.name]
		switch {
		case err != nil && !listed:
			t.Errorf("%s: net/http rejects it: %v", tt.name, err)
		case err == nil && listed:
			t.Errorf("%s: net/http accepts it now; remove it from netHTTPRejects", tt.name)
		case err == nil:
			compareNetHTTPRequest(t, p, head)
		}
	}
}
