//go:build caddyoracle

package caddydiff

import (
	"fmt"
	"strings"
)

// chunked frames body as chunks of at most n bytes and the last chunk.
func chunked(body string, n int) string {
	var b strings.Builder
	for len(body) > 0 {
		k := min(n, len(body))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", k, body[:k])
		body = body[k:]
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// Streamed request bodies (chunked, or a Content-Length above 64 KiB):
// proxied as they arrive, cut by request_body max_size, and read and
// discarded when the routes answer without reading them.
func init() {
	big := strings.Repeat("0123456789abcdef", 5<<10) // 80 KiB
	te := []string{"Transfer-Encoding: chunked"}
	addCases(
		Case{
			Name: "streamed uploads proxied",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{
				{Name: "chunked 80 KiB", Method: "POST", Target: "/c", Header: te, Body: chunked(big, 7000)},
				{Name: "length 80 KiB", Method: "PUT", Target: "/l", Body: big},
			},
			Epoll: true,
		},
		Case{
			Name: "streamed body over request_body max_size",
			Caddyfile: `:{PORT} {
	request_body {
		max_size 1KB
	}
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{
				{Name: "chunked under", Method: "POST", Target: "/u", Header: te, Body: chunked(strings.Repeat("x", 1000), 300)},
				{Name: "chunked over", Method: "POST", Target: "/o", Header: te, Body: chunked(strings.Repeat("x", 3000), 300)},
				{Name: "length over", Method: "POST", Target: "/l", Body: big},
			},
			Epoll: true,
		},
		Case{
			Name: "streamed body not read",
			Caddyfile: `:{PORT} {
	respond "answered {method}"
}`,
			Requests: []Request{
				{Name: "chunked", Method: "POST", Target: "/c", Header: te, Body: chunked(strings.Repeat("y", 1000), 100)},
				{Name: "length 80 KiB", Method: "POST", Target: "/l", Body: big},
			},
			Epoll: true,
		},
	)
}
