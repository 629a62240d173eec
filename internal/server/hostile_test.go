package server

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// TestHostile sends malformed and smuggling-shaped requests through the
// real server: each gets its 4xx/5xx with Connection: close, then the
// connection closes; the server keeps serving.
func TestHostile(t *testing.T) {
	tests := []struct {
		name, req string
		status    int
	}{
		{"cl+te", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"double cl", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400},
		{"cl list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc", 400},
		{"cl sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400},
		{"bad chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400},
		{"chunk size overflow", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400},
		{"chunk missing crlf", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400},
		{"te gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
		{"te gzip chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"te not last chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
		{"huge header", "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 40<<10) + "\r\n\r\n", 431},
		{"too many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X: y\r\n", 200) + "\r\n", 431},
		{"long uri", "GET /" + strings.Repeat("a", 9<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"nul in header", "GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n", 400},
		{"nul in target", "GET /a\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"bare lf", "GET / HTTP/1.1\nHost: x\n\n", 400},
		{"obs fold", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
		{"invalid method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"connect", "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 405},
		{"no host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
		{"http/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
		{"absolute-form ftp", "GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"absolute-form userinfo", "GET http://u@x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"%2f", "GET /a%2fb HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"dotdot past root", "GET /a/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"encoded dotdot past root", "GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"bad percent", "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"encoded nul", "GET /a%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"invalid utf-8", "GET /%ff HTTP/1.1\r\nHost: x\r\n\r\n", 400},
		{"body too large", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413},
		{"chunked too large", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1FFFFF\r\n", 413},
		{"misdirected", "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 421},
	}
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo, ValidateHostnames: []string{"x", "good.example"}})
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := dial(t, s)
				io.WriteString(c, tt.req)
				br := bufio.NewReader(c)
				resp, _ := readResponse(t, br, "GET")
				if resp.StatusCode != tt.status || !resp.Close {
					t.Fatalf("got %d close=%v, want %d and close", resp.StatusCode, resp.Close, tt.status)
				}
				if _, err := io.ReadAll(br); err != nil {
					t.Logf("after the error response: %v", err) // a reset is fine too
				}
			})
		}
		// Still serving, and absolute-form and validated names work.
		c := dial(t, s)
		io.WriteString(c, "GET http://GOOD.example:8080/ok?q HTTP/1.1\r\nHost: ignored\r\n\r\n")
		if resp, body := readResponse(t, bufio.NewReader(c), "GET"); resp.StatusCode != http.StatusOK || body != `GET /ok q ""` {
			t.Fatalf("after hostile inputs: %d %q", resp.StatusCode, body)
		}
	})
}
