//go:build caddyoracle

package caddydiff

func init() {
	addCases(
		Case{
			Name: "respond basics",
			Caddyfile: `:{PORT} {
	respond /gone 410
	respond /empty ""
	respond /json "{\"a\":1}"
	respond /ph "path={path} host={host} method={method} uri={uri} query={query}"
	respond "default" 203
}`,
			Requests: []Request{Get("/gone"), Get("/empty"), Get("/json"), Get("/ph?x=1&y=2"),
				GetHost("Example.COM", "/ph/a%20b?q=%20"), {Method: "POST", Target: "/other", Body: "abc"},
				{Method: "HEAD", Target: "/other"}},
			Epoll: true,
		},
		Case{
			Name: "odd paths",
			Caddyfile: `:{PORT} {
	respond "path={path} uri={uri} escaped={http.request.uri.path.escaped}"
}`,
			Requests: []Request{Get("/a%2Fb"), Get("/a/./b/../c"), Get("//x//y"), Get("/%41%42"), Get("/caf%C3%A9"), Get("/../etc/passwd"),
				Get("/a%00b"), Get("/%zz")},
		},
		Case{
			Name: "respond close",
			Caddyfile: `:{PORT} {
	respond "bye" {
		close
	}
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "header ops",
			Caddyfile: `:{PORT} {
	header X-Set a
	header +X-Add b
	header +X-Add c
	header -X-Gone
	header X-Repl "hello world" {
		defer
	}
	header X-Repl world there
	header ?X-Default d
	respond /has "has" {
	}
	respond "ok"
}`,
			Requests: []Request{Get("/"), Get("/has")},
		},
		Case{
			Name: "handle and handle_path",
			Caddyfile: `:{PORT} {
	handle_path /api/* {
		respond "api {path} {uri}"
	}
	handle /static/* {
		respond "static {http.request.uri}"
	}
	handle {
		respond "fallback {uri}"
	}
}`,
			Requests: []Request{Get("/api/users/7?x=1"), Get("/static/a.css?v=2"), Get("/other"), Get("/api"), Get("/API/x")},
			Epoll:    true,
		},
		Case{
			Name: "redir forms",
			Caddyfile: `:{PORT} {
	redir /old /new
	redir /perm /p permanent
	redir /temp /t temporary
	redir /html /h html
	redir /code /c 308
	redir /abs https://example.com{uri}
	respond "none"
}`,
			Requests: []Request{Get("/old"), Get("/perm"), Get("/temp"), Get("/html"), Get("/code"), Get("/abs?q=1"), Get("/x")},
		},
		Case{
			Name: "error and handle_errors",
			Caddyfile: `:{PORT} {
	error /e403 "forbidden here" 403
	error /e500 "boom"
	handle_errors 403 {
		respond "got {err.status_code} {err.status_text} {err.message}"
	}
	handle_errors {
		respond "other {err.status_code}"
	}
	respond "fine"
}`,
			Requests: []Request{Get("/e403"), Get("/e500"), Get("/x")},
		},
		Case{
			Name: "abort",
			Caddyfile: `:{PORT} {
	abort /no
	respond "yes"
}`,
			Requests: []Request{Get("/no"), Get("/yes")},
		},
		Case{
			Name: "hosts on one port",
			Caddyfile: `http://a.example:{PORT} {
	respond "a {host}"
}
http://*.b.example:{PORT} {
	respond "wild {host} {labels.2}"
}
:{PORT} {
	respond "catchall {host}"
}`,
			Requests: []Request{GetHost("a.example", "/"), GetHost("A.EXAMPLE", "/"), GetHost("x.b.example", "/"),
				GetHost("b.example", "/"), GetHost("other", "/"), GetHost("a.example:99", "/")},
			Epoll: true,
		},
		Case{
			Name: "rewrite and orig_uri",
			Caddyfile: `:{PORT} {
	rewrite /r /target?from=r
	uri /s* strip_prefix /s
	uri /q* query +added 1
	respond "{path} {query} {http.request.orig_uri}"
}`,
			Requests: []Request{Get("/r"), Get("/sabc"), Get("/q?x=1"), Get("/plain?z")},
		},
		Case{
			Name: "reverse_proxy echo",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/a?b=c", "X-Custom: 1"), GetHost("example.com", "/x"),
				{Method: "POST", Target: "/post", Body: "hello", Header: []string{"Content-Type: text/plain"}},
				Get("/upstream-status/404")},
			Epoll: true,
		},
		Case{
			Name: "reverse_proxy fields Caddy adds",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Upstream: echoAll(),
			Requests: []Request{Get("/"), Get("/ae", "Accept-Encoding: identity")},
		},
		Case{
			Name: "matchers",
			Caddyfile: `:{PORT} {
	@post method POST
	@json {
		path *.json
		header Accept *json*
	}
	@q query debug=1
	@notapi not path /api/*
	respond @post "posted" 201
	respond @json "json"
	respond @q "debug"
	respond @notapi "not api"
	respond "api"
}`,
			Requests: []Request{{Method: "POST", Target: "/api/x"}, Get("/a.json", "Accept: application/json"),
				Get("/a.json"), Get("/api/x"), Get("/API/X.JSON", "Accept: text/json"), Get("/api/y?debug=1")},
		},
	)
}
