package http1

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// describeResponse renders everything a response parse produced.
func describeResponse(p *ResponseParser, n int, err error) string {
	var e *Error
	if errors.As(err, &e) {
		return fmt.Sprintf("error %d %q at %d", e.Status, e.Reason, e.Offset)
	} else if err != nil {
		return err.Error()
	}
	r := p.Response()
	s := fmt.Sprintf("n=%d %d %q 1.%d %+v ka=%v", n, r.Status(), r.Reason(), r.ProtoMinor(), r.Framing(), r.KeepAlive())
	h := r.Header()
	for i := 0; i < h.Len(); i++ {
		s += fmt.Sprintf(" %s=%s", h.Name(i), h.Value(i))
	}
	return s
}

var responseTests = []struct {
	name, in string
	head     bool
	want     string
}{
	{"length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, `n=38 200 "OK" 1.1 {Kind:BodyLength Length:5} ka=true Content-Length=5`},
	{"chunked", "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n", false, `n=52 201 "Created" 1.1 {Kind:BodyChunked Length:0} ka=true Transfer-Encoding=chunked`},
	{"until close", "HTTP/1.1 200 OK\r\n\r\n", false, `n=19 200 "OK" 1.1 {Kind:BodyUntilClose Length:0} ka=false`},
	{"http10 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false, `n=62 200 "OK" 1.0 {Kind:BodyNone Length:0} ka=true Connection=keep-alive Content-Length=0`},
	{"http10 close", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", false, `n=38 200 "OK" 1.0 {Kind:BodyLength Length:1} ka=false Content-Length=1`},
	{"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", false, `n=57 200 "OK" 1.1 {Kind:BodyLength Length:1} ka=false Connection=close Content-Length=1`},
	{"head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true, `n=38 200 "OK" 1.1 {Kind:BodyNone Length:0} ka=true Content-Length=5`},
	{"204", "HTTP/1.1 204 No Content\r\n\r\n", false, `n=27 204 "No Content" 1.1 {Kind:BodyNone Length:0} ka=true`},
	{"304 with length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false, `n=48 304 "Not Modified" 1.1 {Kind:BodyNone Length:0} ka=true Content-Length=9`},
	{"100 continue", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", false, `n=25 100 "Continue" 1.1 {Kind:BodyNone Length:0} ka=true`},
	{"101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", false, `n=77 101 "Switching Protocols" 1.1 {Kind:BodyNone Length:0} ka=true Upgrade=websocket Connection=Upgrade`},
	{"no reason", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false, `n=35 404 "" 1.1 {Kind:BodyNone Length:0} ka=true Content-Length=0`},
	{"empty reason", "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", false, `n=36 404 "" 1.1 {Kind:BodyNone Length:0} ka=true Content-Length=0`},
	{"CL+TE", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", false, `error 502 "both Content-Length and Transfer-Encoding" at 64`},
	{"double CL", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", false, `error 502 "more than one Content-Length" at 52`},
	{"bad CL", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n", false, `error 502 "invalid Content-Length" at 34`},
	{"gzip TE", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, `error 502 "chunked is not the final transfer coding exactly once" at 42`},
	{"TE in 1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, `error 502 "Transfer-Encoding in an HTTP/1.0 message" at 45`},
	{"obs-fold", "HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", false, `error 502 "obs-fold or whitespace at start of field line" at 23`},
	{"bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", false, `error 502 "bare LF as line terminator" at 15`},
	{"version 2", "HTTP/2.0 200 OK\r\n\r\n", false, `error 502 "HTTP version not supported" at 0`},
	{"code 600", "HTTP/1.1 600 X\r\n\r\n", false, `error 502 "status code out of range" at 9`},
	{"code 99", "HTTP/1.1 099 X\r\n\r\n", false, `error 502 "status code out of range" at 9`},
	{"two digit code", "HTTP/1.1 20 OK\r\n\r\n", false, `error 502 "malformed status code" at 11`},
	{"reason without space", "HTTP/1.1 200OK\r\n\r\n", false, `error 502 "malformed status line" at 12`},
	{"NUL in reason", "HTTP/1.1 200 O\x00K\r\n\r\n", false, `error 502 "invalid character in reason phrase" at 14`},
	{"garbage", "ICY 200 OK\r\n\r\n", false, `error 502 "malformed status line" at 0`},
	{"head too large", "HTTP/1.1 200 OK\r\nA: " + strings.Repeat("a", 40000) + "\r\n\r\n", false, `error 502 "response head too large" at 32768`},
}

func TestParseResponse(t *testing.T) {
	for _, tt := range responseTests {
		in := []byte(tt.in)
		var p ResponseParser
		p.Reset(tt.head)
		n, err := p.Parse(in)
		got := describeResponse(&p, n, err)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
			continue
		}
		step := 1 + len(in)/500
		for k := 0; k <= len(in); k += step {
			var q ResponseParser
			q.Reset(tt.head)
			n, err := q.Parse(in[:k:k])
			if err == ErrNeedMore {
				n, err = q.Parse(append([]byte(nil), in...))
			}
			if got := describeResponse(&q, n, err); got != tt.want {
				t.Errorf("%s split at %d:\n got %s\nwant %s", tt.name, k, got, tt.want)
				break
			}
		}
	}
}

func TestParseResponseInterim(t *testing.T) {
	buf := []byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	var p ResponseParser
	var codes []int
	for {
		p.Reset(false)
		n, err := p.Parse(buf)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, p.Response().Status())
		buf = buf[n:]
		if !p.Response().Interim() {
			break
		}
	}
	if fmt.Sprint(codes) != "[100 103 200]" || string(buf) != "ok" {
		t.Errorf("codes %v rest %q", codes, buf)
	}
}
