//go:build caddyoracle

package caddydiff

// Cases sent as raw bytes: HTTP/1.0, absolute-form targets, odd methods
// and header shapes, bodies with chunked framing.
func init() {
	addCases(
		Case{
			Name: "wire forms",
			Caddyfile: `http://a.example:{PORT} {
	respond "a {method} {uri} {host} {header.X-Folded}"
}
http://:{PORT} {
	respond "default {method} {uri} {host}"
}`,
			Requests: []Request{
				{Name: "http/1.0 with host", Raw: "GET /ten HTTP/1.0\r\nHost: a.example\r\n\r\n"},
				{Name: "http/1.0 without host", Raw: "GET /ten HTTP/1.0\r\n\r\n"},
				{Name: "absolute-form", Raw: "GET http://a.example/abs?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n"},
				{Name: "custom method", Method: "PURGE", Host: "a.example", Target: "/cache"},
				{Name: "host with port and case", Raw: "GET /p HTTP/1.1\r\nHost: A.EXAMPLE:{PORT}\r\n\r\n"},
				{Name: "chunked body", Method: "POST", Host: "a.example", Target: "/c", Header: []string{"Transfer-Encoding: chunked"}, Body: "3\r\nabc\r\n0\r\n\r\n"},
				{Name: "duplicate header", Host: "a.example", Target: "/d", Header: []string{"X-Folded: one", "X-Folded: two"}},
				{Name: "query only with question", Host: "a.example", Target: "/?"},
			},
		},
		Case{
			Name: "wire proxy bodies",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{
				{Name: "chunked upload", Method: "POST", Target: "/up", Header: []string{"Transfer-Encoding: chunked"}, Body: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"},
				{Name: "http/1.0 proxied", Raw: "GET /old HTTP/1.0\r\nHost: x.example\r\n\r\n"},
				{Name: "empty post", Method: "POST", Target: "/empty", Header: []string{"Content-Length: 0"}},
				{Name: "forwarded headers from client", Target: "/fw", Header: []string{"X-Forwarded-For: 203.0.113.1", "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example"}},
			},
			Epoll: true,
		},
	)
}
