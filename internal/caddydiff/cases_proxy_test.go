//go:build caddyoracle

package caddydiff

import (
	"io"
	"net/http"
	"strings"
)

// shapesHandler is an upstream answering in the shapes a proxy must pass
// through: chunked and sized bodies, no body, multi-value fields, no
// Content-Type, a 304 for a matching If-None-Match.
func shapesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		switch r.URL.Path {
		case "/chunked":
			h.Set("Content-Type", "text/plain")
			io.WriteString(w, "part1 ")
			w.(http.Flusher).Flush()
			io.WriteString(w, "part2")
		case "/sized":
			h.Set("Content-Length", "5")
			io.WriteString(w, "sized")
		case "/nocontent":
			w.WriteHeader(204)
		case "/cookies":
			h.Add("Set-Cookie", "a=1")
			h.Add("Set-Cookie", "b=2")
			h.Set("X-Multi", "x")
			h.Add("X-Multi", "y")
			io.WriteString(w, "cookies")
		case "/etag":
			h.Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(304)
				return
			}
			io.WriteString(w, "tagged")
		case "/big":
			io.WriteString(w, strings.Repeat("0123456789", 20000))
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			w.Header()["Content-Type"] = nil
			io.WriteString(w, "untyped "+r.Method)
		}
	})
}

func init() {
	addCases(
		Case{
			Name: "reverse_proxy response shapes",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Upstream: shapesHandler(),
			Requests: []Request{Get("/chunked"), Get("/sized"), Get("/nocontent"), Get("/cookies"), Get("/etag"),
				Get("/etag", `If-None-Match: "v1"`), Get("/big"), Get("/redirect"), Get("/untyped"),
				{Method: "HEAD", Target: "/sized"}, {Method: "HEAD", Target: "/untyped"}},
			Epoll: true,
		},
		Case{
			Name: "reverse_proxy after rewrites",
			Caddyfile: `:{PORT} {
	handle_path /svc/* {
		rewrite * /internal{path}?{query}&via=gw
		reverse_proxy {UPSTREAM}
	}
	uri /enc/* replace /enc/ /decoded/
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/svc/a/b?x=1"), Get("/enc/a%20b"), Get("/plain/%7Euser"), Get("/q?a=%2F&b=c+d")},
		},
		Case{
			Name: "reverse_proxy with request header edits",
			Caddyfile: `:{PORT} {
	request_header X-Added "from {remote_host}"
	request_header -User-Agent
	request_header Host rewritten.example
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/", "User-Agent: test/1", "X-Other: o"), GetHost("orig.example", "/x")},
		},
	)
}
