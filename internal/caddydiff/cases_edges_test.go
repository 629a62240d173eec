//go:build caddyoracle

package caddydiff

// Edge cases of the handlers: bodies with statuses that have none, content
// type detection, placeholders in statuses and messages, header
// operations on error responses.
func init() {
	addCases(
		Case{
			Name: "respond bodies and statuses",
			Caddyfile: `:{PORT} {
	respond /204 "body ignored" 204
	respond /304 "body ignored" 304
	respond /arr "[1, 2, 3]"
	respond /obj " {\"a\": 1} "
	respond /badjson "{not json}"
	respond /html "<html><body>x</body></html>"
	respond /ws "   "
	respond /num "{query.code}" {query.code}
	respond /ct 200 {
		body "typed"
	}
	respond "x"
}`,
			Requests: []Request{Get("/204"), Get("/304"), Get("/arr"), Get("/obj"), Get("/badjson"), Get("/html"), Get("/ws"),
				Get("/num?code=202"), Get("/num?code=404"), {Method: "HEAD", Target: "/arr"}, Get("/ct")},
			Epoll: true,
		},
		Case{
			Name: "respond status placeholder not a number",
			Caddyfile: `:{PORT} {
	respond "x" {query.code}
}`,
			Requests: []Request{Get("/?code=abc"), Get("/")},
		},
		Case{
			Name: "header on error responses",
			Caddyfile: `:{PORT} {
	header X-Always yes
	header >X-Deferred late
	error /e "bad" 422
	respond "ok"
	handle_errors {
		header X-In-Errors "{err.status_code}"
		respond "error page {err.message}"
	}
}`,
			Requests: []Request{Get("/e"), Get("/ok")},
		},
		Case{
			Name: "header replace with placeholders and regexp",
			Caddyfile: `:{PORT} {
	header X-Url "http://internal.local/{path}"
	header X-Url "internal\.local" "example.com"
	header X-Nums "a1b22c333"
	header X-Nums "[0-9]+" "#"
	header X-Groups "key=value"
	header X-Groups "(\w+)=(\w+)" "$2=$1"
	respond "ok"
}`,
			Requests: []Request{Get("/p/q")},
		},
		Case{
			Name: "request_header then matchers",
			Caddyfile: `:{PORT} {
	request_header X-Role admin
	@admin header X-Role admin
	route {
		respond @admin "admin via request_header"
	}
	respond "no"
}`,
			Requests: []Request{Get("/"), Get("/", "X-Role: user")},
		},
		Case{
			Name: "redir placeholders and relative",
			Caddyfile: `:{PORT} {
	redir /rel relative/path
	redir /up ../up
	redir /q ?only=query
	redir /hosted //cdn.example{path}
	redir /enc "/a b?c=d e"
	respond "none"
}`,
			Requests: []Request{Get("/rel"), Get("/up"), Get("/q"), Get("/hosted"), Get("/enc")},
		},
		Case{
			Name: "error message placeholders",
			Caddyfile: `:{PORT} {
	error /e "bad {path} {query.x}" 400
	handle_errors {
		respond "{err.status_code}: {err.message}|{err.status_text}"
	}
}`,
			Requests: []Request{Get("/e?x=1"), Get("/e/sub")},
		},
		Case{
			Name: "vars types",
			Caddyfile: `:{PORT} {
	vars {
		num 42
		bool true
		str "hello world"
		ph {path}
	}
	@num vars {vars.num} 42
	header @num X-Num matched
	respond "{vars.num} {vars.bool} {vars.str} {vars.ph} {http.vars.str}"
}`,
			Requests: []Request{Get("/x")},
		},
		Case{
			Name: "map defaults and chained",
			Caddyfile: `:{PORT} {
	map {query.lang} {greeting} {
		en hello
		fr bonjour
		default hi
	}
	map {greeting} {shout} {
		hello HELLO
	}
	respond "{greeting} [{shout}]"
}`,
			Requests: []Request{Get("/?lang=en"), Get("/?lang=fr"), Get("/?lang=xx"), Get("/")},
		},
	)
}
