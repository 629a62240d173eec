//go:build caddyoracle

package caddydiff

// Cases for route ordering and grouping: handle, handle_path, route,
// subroutes, invoke and named routes, handle_errors, sites on one port.
func init() {
	addCases(
		Case{
			Name: "directive order",
			Caddyfile: `:{PORT} {
	respond "last"
	header X-Order header
	redir /r /target
	rewrite /rw /rewritten
	respond /rewritten "rewritten {path}"
	vars v set
	respond /v "{vars.v}"
}`,
			Requests: []Request{Get("/"), Get("/r"), Get("/rw"), Get("/v")},
		},
		Case{
			Name: "route keeps order",
			Caddyfile: `:{PORT} {
	route {
		respond /first "first"
		rewrite * /changed
		respond /changed "changed {path}"
	}
}`,
			Requests: []Request{Get("/first"), Get("/other")},
		},
		Case{
			Name: "route order and groups",
			Caddyfile: `:{PORT} {
	route {
		header X-First 1
		respond /a "a"
		header X-Second 2
	}
	handle /b* {
		respond "b"
	}
	handle /bc* {
		respond "bc"
	}
	respond "end"
}`,
			Requests: []Request{Get("/a"), Get("/bc"), Get("/bx"), Get("/z")},
			Epoll:    true,
		},
		Case{
			Name: "handle mutual exclusion and specificity",
			Caddyfile: `:{PORT} {
	handle /api/* {
		respond "api"
	}
	handle /api/v2/* {
		respond "api v2"
	}
	handle /exact {
		respond "exact"
	}
	handle /exact* {
		respond "exact prefix"
	}
	@post method POST
	handle @post {
		respond "post"
	}
	handle {
		respond "fallback"
	}
}`,
			Requests: []Request{Get("/api/x"), Get("/api/v2/x"), Get("/exact"), Get("/exactly"), {Method: "POST", Target: "/api/x"},
				{Method: "POST", Target: "/nowhere"}, Get("/nowhere")},
		},
		Case{
			Name: "nested handle",
			Caddyfile: `:{PORT} {
	handle /outer/* {
		header X-Outer yes
		handle /outer/inner/* {
			respond "inner {path}"
		}
		handle {
			respond "outer {path}"
		}
	}
	handle_path /strip/* {
		handle_path /deeper/* {
			respond "double strip {path}"
		}
		respond "single strip {path}"
	}
	respond "none"
}`,
			Requests: []Request{Get("/outer/inner/x"), Get("/outer/y"), Get("/strip/deeper/z"), Get("/strip/q"), Get("/strip"), Get("/")},
		},
		Case{
			Name: "no route answers",
			Caddyfile: `:{PORT} {
	header X-Seen yes
	respond /only "only"
}`,
			Requests: []Request{Get("/only"), Get("/else"), {Method: "HEAD", Target: "/else"}},
		},
		Case{
			Name: "empty site",
			Caddyfile: `:{PORT} {
}`,
			Requests: []Request{Get("/"), {Method: "POST", Target: "/x", Body: "abc"}},
		},
		Case{
			Name: "named routes and invoke",
			Caddyfile: `&(common) {
	header X-Common yes
	respond "common {path}"
}
&(api) {
	respond "api route {vars.kind}"
}
:{PORT} {
	vars kind special
	handle /api/* {
		invoke api
	}
	invoke common
}`,
			Requests: []Request{Get("/api/x"), Get("/other")},
		},
		Case{
			Name: "handle_errors by status",
			Caddyfile: `:{PORT} {
	error /e401 401
	error /e404 404
	error /e502 502
	error /e503 "unavailable" 503
	handle_errors 404 410 {
		respond "not found page for {path}" 404
	}
	handle_errors 5xx {
		respond "server error {err.status_code}"
	}
	handle_errors {
		respond "generic {err.status_code}"
	}
	respond "ok"
}`,
			Requests: []Request{Get("/e401"), Get("/e404"), Get("/e502"), Get("/e503"), Get("/ok")},
			Epoll:    true,
		},
		Case{
			Name: "handle_errors without a response",
			Caddyfile: `:{PORT} {
	error /e418 "teapot" 418
	handle_errors {
		header X-Handled yes
	}
	respond "ok"
}`,
			Requests: []Request{Get("/e418"), Get("/ok")},
		},
		Case{
			Name: "no handle_errors",
			Caddyfile: `:{PORT} {
	error /e403 "no" 403
	error /e500 "boom"
	error /ebad "x" 400
	header X-Before yes
	respond "ok"
}`,
			Requests: []Request{Get("/e403"), Get("/e500"), Get("/ebad"), Get("/ok")},
		},
		Case{
			Name: "error inside handle_errors",
			Caddyfile: `:{PORT} {
	error /x "first" 404
	handle_errors {
		error "second" 500
	}
	respond "ok"
}`,
			Requests: []Request{Get("/x"), Get("/ok")},
		},
		Case{
			Name: "sites on one port",
			Caddyfile: `http://a.example:{PORT} {
	respond "a {host}"
}
http://b.example:{PORT}, http://c.example:{PORT} {
	respond "b or c {host}"
}
http://*.wild.example:{PORT} {
	respond "wild {labels.2}"
}
http://:{PORT} {
	respond "catch-all {host}"
}`,
			Requests: []Request{GetHost("a.example", "/"), GetHost("A.Example", "/x"), GetHost("b.example", "/"), GetHost("c.example:1234", "/"),
				GetHost("x.wild.example", "/"), GetHost("y.x.wild.example", "/"), GetHost("wild.example", "/"), GetHost("unknown.example", "/"),
				GetHost("127.0.0.1", "/"), GetHost("a.example.", "/")},
			Epoll: true,
		},
		Case{
			Name: "sites with paths",
			Caddyfile: `http://a.example:{PORT}/api/* {
	respond "a api"
}
http://a.example:{PORT} {
	respond "a other"
}`,
			Requests: []Request{GetHost("a.example", "/api/x"), GetHost("a.example", "/x"), GetHost("b.example", "/api/x")},
		},
		Case{
			Name: "host without a catch-all",
			Caddyfile: `http://only.example:{PORT} {
	respond "only"
}`,
			Requests: []Request{GetHost("only.example", "/"), GetHost("other.example", "/"), {Host: "-", Target: "/"}},
		},
		Case{
			Name: "subroute via route in handle",
			Caddyfile: `:{PORT} {
	handle /x/* {
		route {
			header X-R 1
			respond /x/a "xa"
		}
		respond "x rest"
	}
}`,
			Requests: []Request{Get("/x/a"), Get("/x/b"), Get("/y")},
		},
	)
}
