package http1

import (
	"errors"
	"strings"
	"testing"
)

// parseAll parses in as one buffer with limits l.
func parseAll(in string, l Limits) (*RequestParser, int, error) {
	p := new(RequestParser)
	p.Init(l)
	n, err := p.Parse([]byte(in))
	return p, n, err
}

// validRequests are well-formed requests and what they parse to.
var validRequests = []struct {
	name, in                     string
	method, target, path, query  string
	hasQuery                     bool
	host                         string
	minor                        int
	form                         TargetForm
	framing                      Framing
	keepAlive, expect, upgrading bool
}{
	{name: "simple", in: "GET / HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/", path: "/", host: "a", minor: 1, keepAlive: true},
	{name: "query", in: "GET /p/q?x=1&y=%20 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", method: "GET", target: "/p/q?x=1&y=%20", path: "/p/q", query: "x=1&y=%20", hasQuery: true, host: "example.com:8080", minor: 1, keepAlive: true},
	{name: "empty query", in: "GET /? HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/?", path: "/", hasQuery: true, host: "a", minor: 1, keepAlive: true},
	{name: "leading empty lines", in: "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", method: "GET", target: "/", path: "/", host: "a", minor: 1, keepAlive: true},
	{name: "http10 no host", in: "GET /x HTTP/1.0\r\n\r\n", method: "GET", target: "/x", path: "/x", minor: 0},
	{name: "http10 keep-alive", in: "GET /x HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", method: "GET", target: "/x", path: "/x", minor: 0, keepAlive: true},
	{name: "close", in: "GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n", method: "GET", target: "/", path: "/", host: "a", minor: 1},
	{name: "content-length", in: "POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 0005\r\n\r\nhello", method: "POST", target: "/u", path: "/u", host: "a", minor: 1, framing: Framing{BodyLength, 5}, keepAlive: true},
	{name: "content-length zero", in: "POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", method: "POST", target: "/u", path: "/u", host: "a", minor: 1, keepAlive: true},
	{name: "chunked", in: "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", method: "POST", target: "/u", path: "/u", host: "a", minor: 1, framing: Framing{Kind: BodyChunked}, keepAlive: true},
	{name: "absolute form", in: "GET http://Example.com:81/a/b?c HTTP/1.1\r\nHost: other\r\n\r\n", method: "GET", target: "http://Example.com:81/a/b?c", path: "/a/b", query: "c", hasQuery: true, host: "Example.com:81", minor: 1, form: FormAbsolute, keepAlive: true},
	{name: "absolute form no path", in: "GET https://h HTTP/1.1\r\nHost: h\r\n\r\n", method: "GET", target: "https://h", host: "h", minor: 1, form: FormAbsolute, keepAlive: true},
	{name: "asterisk", in: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", method: "OPTIONS", target: "*", path: "*", host: "a", minor: 1, form: FormAsterisk, keepAlive: true},
	{name: "ipv6 host", in: "GET / HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", method: "GET", target: "/", path: "/", host: "[::1]:443", minor: 1, keepAlive: true},
	{name: "empty host", in: "GET / HTTP/1.1\r\nHost:\r\n\r\n", method: "GET", target: "/", path: "/", minor: 1, keepAlive: true},
	{name: "expect continue", in: "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n", method: "PUT", target: "/", path: "/", host: "a", minor: 1, framing: Framing{BodyLength, 3}, keepAlive: true, expect: true},
	{name: "expect ignored in 1.0", in: "PUT / HTTP/1.0\r\nExpect: 100-continue\r\nExpect: foo\r\n\r\n", method: "PUT", target: "/", path: "/", minor: 0},
	{name: "upgrade", in: "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", method: "GET", target: "/ws", path: "/ws", host: "a", minor: 1, keepAlive: true, upgrading: true},
	{name: "other method", in: "PROPFIND /d HTTP/1.1\r\nHost: a\r\n\r\n", method: "PROPFIND", target: "/d", path: "/d", host: "a", minor: 1, keepAlive: true},
	{name: "value whitespace and obs-text", in: "GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v\xff\tw \t\r\n\r\n", method: "GET", target: "/", path: "/", host: "a", minor: 1, keepAlive: true},
}

func TestParseRequestValid(t *testing.T) {
	for _, tt := range validRequests {
		p, n, err := parseAll(tt.in, Limits{})
		if err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
			continue
		}
		r := p.Request()
		if n != headEnd(tt.in) {
			t.Errorf("%s: head length %d, want %d", tt.name, n, headEnd(tt.in))
		}
		check := func(what string, got []byte, want string) {
			if string(got) != want {
				t.Errorf("%s: %s %q, want %q", tt.name, what, got, want)
			}
		}
		check("method", r.MethodName(), tt.method)
		check("target", r.Target(), tt.target)
		check("path", r.Path(), tt.path)
		check("query", r.Query(), tt.query)
		check("host", r.Host(), tt.host)
		if (r.Query() != nil) != tt.hasQuery {
			t.Errorf("%s: query present %v, want %v", tt.name, r.Query() != nil, tt.hasQuery)
		}
		if r.ProtoMinor() != tt.minor || r.Form() != tt.form || r.Framing() != tt.framing {
			t.Errorf("%s: minor %d form %v framing %+v, want %d %v %+v", tt.name, r.ProtoMinor(), r.Form(), r.Framing(), tt.minor, tt.form, tt.framing)
		}
		if r.KeepAlive() != tt.keepAlive || r.ExpectContinue() != tt.expect || (r.Upgrade() != nil) != tt.upgrading {
			t.Errorf("%s: keep-alive %v expect %v upgrade %q, want %v %v %v", tt.name, r.KeepAlive(), r.ExpectContinue(), r.Upgrade(), tt.keepAlive, tt.expect, tt.upgrading)
		}
	}
}

// headEnd returns the length of the head in a test input.
func headEnd(s string) int {
	i := 0
	for strings.HasPrefix(s[i:], "\r\n") {
		i += 2
	}
	return i + strings.Index(s[i:], "\r\n\r\n") + 4
}

// smallLimits makes the limit cases short.
var smallLimits = Limits{MaxRequestLine: 64, MaxHeaderBytes: 256, MaxHeaders: 4, MaxBodyBytes: 1000}

// hostileRequests are malformed or unsupported requests, parsed with
// smallLimits, and the status each must get.
var hostileRequests = []struct {
	name, in string
	status   int
	close    bool
}{
	{"CL+TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, true},
	{"TE+CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400, true},
	{"double CL identical", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400, true},
	{"double CL different", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, true},
	{"CL list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n", 400, true},
	{"CL plus sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400, true},
	{"CL minus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, true},
	{"CL inner space", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400, true},
	{"CL hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400, true},
	{"CL empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400, true},
	{"CL overflow", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n", 400, true},
	{"CL over body limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n", 413, true},
	{"TE not chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400, true},
	{"TE chunked not last", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, true},
	{"TE chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400, true},
	{"TE unknown coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, true},
	{"TE identity", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", 400, true},
	{"TE chunked params", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x=1\r\n\r\n", 400, true},
	{"TE empty list element", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked\r\n\r\n", 400, true},
	{"TE trailing comma", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked,\r\n\r\n", 400, true},
	{"TE empty", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", 400, true},
	{"TE bad token", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n", 400, true},
	{"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, true},
	{"TE vertical tab", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \x0bchunked\r\n\r\n", 400, true},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400, true},
	{"obs-fold tab", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n", 400, true},
	{"whitespace first line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, true},
	{"bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400, true},
	{"bare CR in name", "GET / HTTP/1.1\r\nHost: a\r\nX\r-A: b\r\n\r\n", 400, true},
	{"bare CR in request line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"bare LF request line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400, true},
	{"bare LF field", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400, true},
	{"bare LF end", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400, true},
	{"bare LF leading", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"NUL in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n", 400, true},
	{"NUL in name", "GET / HTTP/1.1\r\nHost: a\r\nX\x00A: b\r\n\r\n", 400, true},
	{"NUL in target", "GET /a\x00b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: \x7f\r\n\r\n", 400, true},
	{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, true},
	{"tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, true},
	{"no colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400, true},
	{"empty name", "GET / HTTP/1.1\r\n: a\r\nHost: a\r\n\r\n", 400, true},
	{"bad name char", "GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n", 400, true},
	{"missing host", "GET / HTTP/1.1\r\n\r\n", 400, true},
	{"double host", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, true},
	{"bad host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, true},
	{"host userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400, true},
	{"host bad port", "GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", 400, true},
	{"host bad pct", "GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", 400, true},
	{"host long port", "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", 400, true},
	{"method lowercase ok but bad char", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"empty method", " / HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"method utf8", "GÉT / HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"double space before version", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"http 0.9", "GET /\r\n\r\n", 400, true},
	{"lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"version trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, true},
	{"version 2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, true},
	{"version 1.2", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505, true},
	{"version 0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, true},
	{"target fragment", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"target utf8", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"target relative", "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405, true},
	{"authority form with GET", "GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"absolute ftp", "GET ftp://a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"absolute empty authority", "GET http:///b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"absolute userinfo", "GET http://u:p@a/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, true},
	{"absolute without host field", "GET http://a/b HTTP/1.1\r\n\r\n", 400, true},
	{"bad connection option", "GET / HTTP/1.1\r\nHost: a\r\nConnection: a b\r\n\r\n", 400, true},
	{"expect other", "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", 417, false},
	{"request line too long", "GET /" + strings.Repeat("a", 100) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, true},
	{"head too large", "GET / HTTP/1.1\r\nHost: a\r\nX-A: " + strings.Repeat("a", 300) + "\r\n\r\n", 431, true},
	{"too many fields", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 431, true},
	{"too many leading lines", strings.Repeat("\r\n", 200) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 431, true},
}

func TestParseRequestHostile(t *testing.T) {
	for _, tt := range hostileRequests {
		_, n, err := parseAll(tt.in, smallLimits)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got n=%d err=%v, want status %d", tt.name, n, err, tt.status)
			continue
		}
		if e.Status != tt.status || e.Close != tt.close {
			t.Errorf("%s: got %v (close %v), want status %d close %v", tt.name, e, e.Close, tt.status, tt.close)
		}
		if e.Offset < 0 || e.Offset > len(tt.in) {
			t.Errorf("%s: offset %d outside the input", tt.name, e.Offset)
		}
	}
}

func TestParseRequestSticky(t *testing.T) {
	var p RequestParser
	in := []byte("GET / HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n")
	_, err1 := p.Parse(in)
	n, err2 := p.Parse(in)
	if err1 == nil || err1 != err2 || n != 0 {
		t.Errorf("errors %v then %d %v, want the same error twice", err1, n, err2)
	}
	p.Reset()
	if _, err := p.Parse([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")); err != nil {
		t.Errorf("after Reset: %v", err)
	}
}

func TestParseRequestShrunk(t *testing.T) {
	var p RequestParser
	if _, err := p.Parse([]byte("GET / HTTP/1.1\r\nHo")); err != ErrNeedMore {
		t.Fatalf("prefix: %v", err)
	}
	if _, err := p.Parse([]byte("GET / HT")); err != ErrInputShrunk {
		t.Errorf("shorter input: %v, want ErrInputShrunk", err)
	}
	if n, err := p.Parse([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")); err != nil || n != 27 {
		t.Errorf("full input: %d %v", n, err)
	}
}

func TestHeaders(t *testing.T) {
	p, _, err := parseAll("GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nX-Y: z\r\ncookie: b=2\r\n\r\n", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Request().Header()
	var cookies []string
	for i := h.Index("COOKIE", 0); i >= 0; i = h.Index("COOKIE", i+1) {
		cookies = append(cookies, string(h.Value(i)))
	}
	if strings.Join(cookies, ";") != "a=1;b=2" || h.Len() != 4 || string(h.Name(3)) != "cookie" {
		t.Errorf("cookies %q, len %d, name(3) %q", cookies, h.Len(), h.Name(3))
	}
	if h.Get("x-y") == nil || h.Has("x-z") || h.Name(-1) != nil || h.Value(4) != nil {
		t.Error("Get/Has/out-of-range accessors")
	}
}

// TestLimitBoundaries checks that each limit admits exactly its value.
func TestLimitBoundaries(t *testing.T) {
	line := "GET /" + strings.Repeat("a", 50) + " HTTP/1.1" // 64 bytes
	head := line + "\r\nHost: a\r\n\r\n"
	status := func(in string, l Limits) int {
		_, _, err := parseAll(in, l)
		var e *Error
		if errors.As(err, &e) {
			return e.Status
		}
		if err != nil {
			return -1
		}
		return 200
	}
	tests := []struct {
		name string
		l    Limits
		want int
	}{
		{"request line at limit", Limits{MaxRequestLine: len(line)}, 200},
		{"request line over limit", Limits{MaxRequestLine: len(line) - 1}, 414},
		{"head at limit", Limits{MaxHeaderBytes: len(head)}, 200},
		{"head over limit", Limits{MaxHeaderBytes: len(head) - 1}, 431},
		{"fields at limit", Limits{MaxHeaders: 1}, 200},
	}
	for _, tt := range tests {
		if got := status(head, tt.l); got != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, got, tt.want)
		}
	}
	var p RequestParser
	p.Init(Limits{MaxRequestLine: len(line) - 1})
	if _, err := p.Parse([]byte(line)); err != ErrNeedMore {
		t.Errorf("partial line one byte over the limit without CR: %v, want ErrNeedMore", err)
	}
	p.Reset()
	if _, err := p.Parse([]byte(line + "\r")); !errors.As(err, new(*Error)) {
		t.Errorf("partial line over the limit with CR: %v, want 414", err)
	}
}
