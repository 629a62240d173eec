package http1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAppendStatusLine(t *testing.T) {
	tests := []struct {
		code int
		want string
		err  error
	}{
		{200, "HTTP/1.1 200 OK\r\n", nil},
		{404, "HTTP/1.1 404 Not Found\r\n", nil},
		{100, "HTTP/1.1 100 Continue\r\n", nil},
		{599, "HTTP/1.1 599 \r\n", nil},
		{999, "HTTP/1.1 999 \r\n", nil},
		{99, "", ErrStatusCode},
		{1000, "", ErrStatusCode},
		{-200, "", ErrStatusCode},
	}
	for _, tt := range tests {
		got, err := AppendStatusLine(nil, tt.code)
		if string(got) != tt.want || err != tt.err {
			t.Errorf("AppendStatusLine(%d) = %q, %v; want %q, %v", tt.code, got, err, tt.want, tt.err)
		}
	}
}

func TestAppendHeader(t *testing.T) {
	tests := []struct {
		name, value, want string
		err               error
	}{
		{"Content-Type", "text/html; charset=utf-8", "Content-Type: text/html; charset=utf-8\r\n", nil},
		{"X-Empty", "", "X-Empty: \r\n", nil},
		{"X-Tab", "a\tb \xff", "X-Tab: a\tb \xff\r\n", nil},
		{"X-Inject", "a\r\nSet-Cookie: evil", "", ErrFieldValue},
		{"X-LF", "a\nb", "", ErrFieldValue},
		{"X-CR", "a\rb", "", ErrFieldValue},
		{"X-NUL", "a\x00b", "", ErrFieldValue},
		{"X-DEL", "a\x7fb", "", ErrFieldValue},
		{"Bad Name", "v", "", ErrFieldName},
		{"Bad:Name", "v", "", ErrFieldName},
		{"", "v", "", ErrFieldName},
		{"X\r\nY", "v", "", ErrFieldName},
	}
	for _, tt := range tests {
		got, err := AppendHeader([]byte("x"), tt.name, []byte(tt.value))
		if string(got) != "x"+tt.want || err != tt.err {
			t.Errorf("AppendHeader(%q, %q) = %q, %v; want %q, %v", tt.name, tt.value, got, err, "x"+tt.want, tt.err)
		}
	}
}

func TestDateCache(t *testing.T) {
	var c DateCache
	if got := c.AppendHeader(nil); len(got) != 0 {
		t.Errorf("zero DateCache appended %q", got)
	}
	now := time.Date(2026, 11, 28, 13, 4, 5, 0, time.FixedZone("X", 3600))
	c.Update(now)
	if got, want := string(c.AppendHeader(nil)), "Date: Sat, 28 Nov 2026 12:04:05 GMT\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := string(c.Value()), now.UTC().Format(http.TimeFormat); got != want {
		t.Errorf("Value %q, want net/http's %q", got, want)
	}
	c.Update(now.Add(999 * time.Millisecond))
	c.Update(now.Add(time.Second))
	if got, want := string(c.Value()), "Sat, 28 Nov 2026 12:04:06 GMT"; got != want {
		t.Errorf("after a second: %q, want %q", got, want)
	}
}

func TestBodyAllowed(t *testing.T) {
	tests := []struct {
		status int
		method Method
		want   bool
	}{
		{200, MethodGet, true}, {200, MethodHead, false}, {101, MethodGet, false},
		{204, MethodPost, false}, {304, MethodGet, false}, {404, MethodOther, true},
	}
	for _, tt := range tests {
		if got := BodyAllowed(tt.status, tt.method); got != tt.want {
			t.Errorf("BodyAllowed(%d, %v) = %v", tt.status, tt.method, got)
		}
	}
}

// TestWriterReadByNetHTTP checks that net/http's client reads what the
// writers produce: a length-framed response, a chunked one with trailers,
// a 100 Continue before a final response, and canned errors.
func TestWriterReadByNetHTTP(t *testing.T) {
	var date DateCache
	date.Update(time.Now())
	var b []byte
	b = AppendContinue(b)
	b, _ = AppendStatusLine(b, 200)
	b = date.AppendHeader(b)
	b, _ = AppendHeader(b, "Content-Type", "text/plain")
	b = AppendContentLength(b, 5)
	b = append(b, "\r\nhello"...)
	b, _ = AppendStatusLine(b, 201)
	b = AppendChunked(b)
	b, _ = AppendHeader(b, "Trailer", "X-Sum")
	b = append(b, "\r\n"...)
	b = AppendChunk(b, []byte("abc"))
	b = AppendChunkSize(b, 4)
	b = append(b, "defg\r\n"...)
	var tr Headers
	tr.buf = []byte("X-Sum: 7")
	tr.parseField(tr.buf, 0, len(tr.buf), 1)
	b = AppendLastChunk(b, &tr)
	b = AppendErrorResponse(b, &Error{Status: 400, Reason: "x", Close: true}, &date)

	br := bufio.NewReader(bytes.NewReader(b))
	read := func(wantCode int, wantBody string) *http.Response {
		t.Helper()
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("net/http: %v", err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("net/http body: %v", err)
		}
		if resp.StatusCode != wantCode || string(body) != wantBody {
			t.Errorf("net/http read %d %q, want %d %q", resp.StatusCode, body, wantCode, wantBody)
		}
		return resp
	}
	read(100, "")
	if r := read(200, "hello"); r.Header.Get("Date") == "" || r.ContentLength != 5 {
		t.Errorf("200: Date %q Content-Length %d", r.Header.Get("Date"), r.ContentLength)
	}
	if r := read(201, "abcdefg"); r.Trailer.Get("X-Sum") != "7" {
		t.Errorf("201: trailer %q", r.Trailer.Get("X-Sum"))
	}
	if r := read(400, "400 Bad Request\n"); !r.Close {
		t.Error("400: Connection: close not seen")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("bytes left after the last response")
	}
}

func TestAppendErrorResponse(t *testing.T) {
	got := string(AppendErrorResponse(nil, &Error{Status: 417}, nil))
	want := "HTTP/1.1 417 Expectation Failed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\n\r\n417 Expectation Failed\n"
	if got != want {
		t.Errorf("417: got %q, want %q", got, want)
	}
	if got := string(AppendErrorResponse(nil, nil, nil)); !strings.HasPrefix(got, "HTTP/1.1 500 ") || !strings.Contains(got, "Connection: close\r\n") {
		t.Errorf("nil error: %q", got)
	}
}

// TestNetHTTPClientRequestsParse checks that requests as net/http's client
// writes them parse, with the same method, target, host, framing and body.
func TestNetHTTPClientRequestsParse(t *testing.T) {
	type reqCase struct {
		method, url, body string
		chunked           bool
		header            map[string]string
	}
	cases := []reqCase{
		{method: "GET", url: "http://example.com/a/b?c=d"},
		{method: "HEAD", url: "http://example.com:8080/"},
		{method: "POST", url: "http://[::1]:9000/upload", body: "hello world"},
		{method: "PUT", url: "http://example.com/x", body: strings.Repeat("z", 5000), chunked: true},
		{method: "DELETE", url: "http://example.com/%20x?y=%2f", header: map[string]string{"X-Multi": "a, b", "Cookie": "k=v"}},
		{method: "OPTIONS", url: "http://example.com/", header: map[string]string{"Expect": "100-continue"}, body: "x"},
		{method: "PATCH", url: "http://example.com/p", body: "{}", header: map[string]string{"Content-Type": "application/json"}},
	}
	for _, c := range cases {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
			if c.chunked {
				body = io.MultiReader(body) // hides the length: net/http chunks it
			}
		}
		req, err := http.NewRequest(c.method, c.url, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		var wire bytes.Buffer
		if err := req.Write(&wire); err != nil {
			t.Fatal(err)
		}
		var p RequestParser
		buf := wire.Bytes()
		n, err := p.Parse(buf)
		if err != nil {
			t.Errorf("%s %s: %v\n%s", c.method, c.url, err, buf)
			continue
		}
		r := p.Request()
		if string(r.MethodName()) != c.method || string(r.Target()) != req.URL.RequestURI() || string(r.Host()) != req.Host {
			t.Errorf("%s %s: parsed %s %s host %s", c.method, c.url, r.MethodName(), r.Target(), r.Host())
		}
		var d BodyDecoder
		d.Reset(r.Framing(), Limits{})
		var got []byte
		rest := buf[n:]
		for !d.Done() {
			data, k, err := d.Next(rest)
			if err != nil || k == 0 {
				t.Fatalf("%s %s: body: %d %v", c.method, c.url, k, err)
			}
			got = append(got, data...)
			rest = rest[k:]
		}
		if string(got) != c.body || len(rest) != 0 {
			t.Errorf("%s %s: body %d bytes, want %d; %d left", c.method, c.url, len(got), len(c.body), len(rest))
		}
		if c.chunked != (r.Framing().Kind == BodyChunked) {
			t.Errorf("%s %s: framing %v", c.method, c.url, r.Framing())
		}
		for k, v := range c.header {
			if k != "Expect" && string(r.Header().Get(k)) != v {
				t.Errorf("%s %s: %s = %q, want %q", c.method, c.url, k, r.Header().Get(k), v)
			}
		}
		if _, ok := c.header["Expect"]; ok != r.ExpectContinue() {
			t.Errorf("%s %s: ExpectContinue %v", c.method, c.url, r.ExpectContinue())
		}
	}
}

// TestNetHTTPResponsesParse checks that responses written by net/http parse
// with the framing net/http chose.
func TestNetHTTPResponsesParse(t *testing.T) {
	for _, c := range []struct {
		code    int
		body    string
		length  int64
		chunked bool
	}{
		{200, "hello", 5, false},
		{200, "streamed", -1, true},
		{404, "", 0, false},
		{204, "", 0, false},
	} {
		resp := &http.Response{StatusCode: c.code, ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"X-A": {"1"}}, ContentLength: c.length, Body: io.NopCloser(strings.NewReader(c.body))}
		if c.chunked {
			resp.TransferEncoding = []string{"chunked"}
		}
		var wire bytes.Buffer
		if err := resp.Write(&wire); err != nil {
			t.Fatal(err)
		}
		var p ResponseParser
		buf := wire.Bytes()
		n, err := p.Parse(buf)
		if err != nil {
			t.Errorf("%d %q: %v\n%s", c.code, c.body, err, buf)
			continue
		}
		var d BodyDecoder
		d.Reset(p.Response().Framing(), Limits{})
		var got []byte
		rest := buf[n:]
		for !d.Done() {
			data, k, err := d.Next(rest)
			if err != nil || k == 0 {
				t.Fatalf("%d: body: %d %v", c.code, k, err)
			}
			got = append(got, data...)
			rest = rest[k:]
		}
		if p.Response().Status() != c.code || string(got) != c.body || string(p.Response().Header().Get("x-a")) != "1" {
			t.Errorf("%d %q: parsed %d %q", c.code, c.body, p.Response().Status(), got)
		}
		if c.chunked != (p.Response().Framing().Kind == BodyChunked) {
			t.Errorf("%d: framing %v", c.code, p.Response().Framing())
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, _, err := parseAll("GET / HTTP/1.1\r\nHost : a\r\n\r\n", Limits{})
	want := "http1: 400 Bad Request: whitespace between field name and colon at offset 20"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || !e.Close {
		t.Errorf("not a closing *Error: %#v", err)
	}
}

func TestAppendRequestLine(t *testing.T) {
	tests := []struct {
		method, target, want string
		err                  error
	}{
		{"GET", "/a?b=c", "GET /a?b=c HTTP/1.1\r\n", nil},
		{"PROPFIND", "*", "PROPFIND * HTTP/1.1\r\n", nil},
		{"G T", "/", "", ErrMethod},
		{"", "/", "", ErrMethod},
		{"GET", "", "", ErrTarget},
		{"GET", "/a b", "", ErrTarget},
		{"GET", "/a\r\nX: y", "", ErrTarget},
		{"GET", "/a#f", "", ErrTarget},
	}
	for _, tt := range tests {
		got, err := AppendRequestLine(nil, tt.method, tt.target)
		if string(got) != tt.want || err != tt.err {
			t.Errorf("AppendRequestLine(%q, %q) = %q, %v; want %q, %v", tt.method, tt.target, got, err, tt.want, tt.err)
		}
	}
}

func TestMatchHost(t *testing.T) {
	tests := []struct {
		host, name string
		want       bool
	}{
		{"Example.COM:8443", "example.com", true},
		{"example.com", "EXAMPLE.com", true},
		{"[::1]:443", "::1", true},
		{"[::1]", "[::1]", true},
		{"example.com.evil", "example.com", false},
		{"", "example.com", false},
		{"a:80", "a:80", false},
	}
	for _, tt := range tests {
		if got := MatchHost([]byte(tt.host), tt.name); got != tt.want {
			t.Errorf("MatchHost(%q, %q) = %v", tt.host, tt.name, got)
		}
	}
}
