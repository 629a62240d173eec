//go:build caddyoracle

package caddydiff

// Combinations of handlers: rewrites inside groups, errors raised in
// nested blocks, named routes from error routes, method rewrites.
func init() {
	addCases(
		Case{
			Name: "rewrite method and uri together",
			Caddyfile: `:{PORT} {
	@get method GET
	route /m {
		rewrite @get /posted?{query}
		method @get POST
		respond "{method} {uri}"
	}
	uri /r* path_regexp ^/r/([a-z]+)/(\d+)$ /res/$2/$1
	respond "{method} {uri}"
}`,
			Requests: []Request{Get("/m?a=1"), {Method: "PUT", Target: "/m"}, Get("/r/abc/12"), Get("/r/ABC/12")},
		},
		Case{
			Name: "handle_path with matcher placeholders",
			Caddyfile: `:{PORT} {
	handle_path /v1/* {
		rewrite * /api{path}
		respond "{path} {query}"
	}
	handle_path /v2* {
		respond "v2 [{path}]"
	}
}`,
			Requests: []Request{Get("/v1/users?x=1"), Get("/v1/"), Get("/v2"), Get("/v2/a"), Get("/v2x")},
		},
		Case{
			Name: "errors in nested blocks",
			Caddyfile: `:{PORT} {
	handle /a/* {
		route {
			header X-Route-Header r
			error /a/deny "denied {path}" 403
		}
		respond "a ok"
	}
	handle /b/* {
		error "b broken" 500
	}
	handle_errors 403 {
		respond "forbidden page: {err.message}"
	}
	handle_errors {
		respond "error page {err.status_code}"
	}
}`,
			Requests: []Request{Get("/a/deny"), Get("/a/ok"), Get("/b/x"), Get("/c")},
		},
		Case{
			Name: "invoke from error routes",
			Caddyfile: `&(errpage) {
	header X-Err-Page yes
	respond "shared error page {err.status_code} for {path}"
}
:{PORT} {
	error /missing/* 404
	respond "ok"
	handle_errors {
		invoke errpage
	}
}`,
			Requests: []Request{Get("/missing/x"), Get("/ok")},
		},
		Case{
			Name: "abort in error routes",
			Caddyfile: `:{PORT} {
	error /e 500
	respond "ok"
	handle_errors {
		abort
	}
}`,
			Requests: []Request{Get("/e"), Get("/ok")},
		},
		Case{
			Name: "handle_errors rewrites then matches",
			Caddyfile: `:{PORT} {
	rewrite /old /new
	error /new "gone" 410
	respond "ok"
	handle_errors {
		@orig path /old
		respond @orig "error for original path {path}"
		respond "error for {path}"
	}
}`,
			Requests: []Request{Get("/old"), Get("/new"), Get("/x")},
		},
		Case{
			Name: "header multiple values and cookies",
			Caddyfile: `:{PORT} {
	header +Set-Cookie "a=1; Path=/"
	header +Set-Cookie "b=2; Path=/"
	header +Link "</a.css>; rel=preload"
	header +Link "</b.js>; rel=preload"
	header Vary Accept-Encoding
	header +Vary Origin
	respond "cookies"
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "hosts with ips and ports",
			Caddyfile: `http://127.0.0.1:{PORT} {
	respond "ip site {host}"
}
http://localhost:{PORT} {
	respond "localhost site"
}
http://[::1]:{PORT} {
	respond "v6 site"
}`,
			Requests: []Request{GetHost("127.0.0.1", "/"), GetHost("localhost", "/"), GetHost("[::1]", "/"),
				GetHost("LOCALHOST", "/"), GetHost("other", "/")},
		},
		Case{
			Name: "handle order with named matchers and paths",
			Caddyfile: `:{PORT} {
	@api {
		path /api/*
		method GET
	}
	handle @api {
		respond "api get"
	}
	handle /api/* {
		respond "api other"
	}
	handle /* {
		respond "slash star"
	}
	handle {
		respond "bare"
	}
}`,
			Requests: []Request{Get("/api/x"), {Method: "POST", Target: "/api/x"}, Get("/anything"), Get("/")},
		},
		Case{
			Name: "respond in route after rewrite to matcher",
			Caddyfile: `:{PORT} {
	route {
		rewrite /start /middle
		rewrite /middle /end
		respond /end "reached end from {http.request.orig_uri.path}"
		respond "stayed {path}"
	}
}`,
			Requests: []Request{Get("/start"), Get("/middle"), Get("/other")},
		},
	)
}
