//go:build caddyoracle

package caddydiff

// Cases for the handlers: respond, header, rewrite/uri, redir, vars, map,
// error, abort.
func init() {
	addCases(
		Case{
			Name: "respond status forms",
			Caddyfile: `:{PORT} {
	respond /200 200
	respond /204 204
	respond /301 301
	respond /404body "not here" 404
	respond /418 "teapot" 418
	respond /599 "x" 599
	respond /ph-status "{query.s}" 500
	respond /body-multiline "line1
line2"
	respond "fallthrough"
}`,
			Requests: []Request{Get("/200"), Get("/204"), Get("/301"), Get("/404body"), Get("/418"), Get("/599"),
				Get("/ph-status?s=a"), Get("/body-multiline"), {Method: "HEAD", Target: "/404body"}, {Method: "DELETE", Target: "/z"}},
		},
		Case{
			Name: "respond placeholders",
			Caddyfile: `:{PORT} {
	respond <<TXT
		host={host} hostport={hostport} port={port} scheme={scheme} method={method}
		uri={uri} path={path} dir={dir} file={file} query={query} qx={query.x} qmissing=[{query.nope}]
		hdr={header.X-Test} hdrmissing=[{header.Nope}] ua={http.request.header.User-Agent}
		remote={remote_host} rip={http.request.remote.host}
		pathfile={http.request.uri.path.file} base={http.request.uri.path.file.base} ext={http.request.uri.path.file.ext}
		p0={http.request.uri.path.0} p1={http.request.uri.path.1} pn=[{http.request.uri.path.9}]
		host0={http.request.host.labels.0} host1={http.request.host.labels.1}
		unknown={does.not.exist} esc=\{notaplaceholder\}
		TXT 200
}`,
			Requests: []Request{
				GetHost("www.example.com", "/dir/sub/file.tar.gz?x=1&y=2", "X-Test: hello", "User-Agent: diff/1", "Cookie: sess=abc; other=1"),
				GetHost("example.com:8080", "/", "X-Test: a", "X-Test: b"),
				GetHost("[::1]", "/a/"),
				{Method: "PUT", Host: "Mixed.Case.Example", Target: "/x.html?x=%20y&x=2"},
			},
			Epoll: true,
		},
		Case{
			Name: "respond headers and close",
			Caddyfile: `:{PORT} {
	respond /c "closing" 200 {
		close
	}
	respond /h 201 {
		body "set by the body subdirective"
	}
	respond "x"
}`,
			Requests: []Request{Get("/c"), Get("/h")},
		},
		Case{
			Name: "header set add delete replace",
			Caddyfile: `:{PORT} {
	header {
		X-A "one"
		+X-B "two"
		+X-B "three"
		-X-Remove-Me
		X-Repl "alpha beta alpha"
	}
	header X-Repl alpha gamma
	header X-Ph "{path}|{query.q}"
	header ?X-Default "default"
	header ?Content-Type "text/x-default"
	respond "ok"
}`,
			Requests: []Request{Get("/"), Get("/p?q=v")},
		},
		Case{
			Name: "header deferred",
			Caddyfile: `:{PORT} {
	header >X-Late "late"
	header -Content-Type
	header {
		X-Status-Only "yes"
		defer
	}
	respond /ok "ok"
	respond /nf "nf" 404
	respond "d"
}`,
			Requests: []Request{Get("/ok"), Get("/nf"), Get("/")},
		},
		Case{
			Name: "header wildcard delete and prefix",
			Caddyfile: `:{PORT} {
	header /strip {
		-X-Pre*
		-*-Suffix
	}
	header X-Pre-One 1
	header X-Pre-Two 2
	header X-Keep-Suffix 3
	header X-Other 4
	respond "ok"
}`,
			Requests: []Request{Get("/strip"), Get("/keep")},
		},
		Case{
			Name: "request_header",
			Caddyfile: `:{PORT} {
	request_header X-In "set-{path}"
	request_header +X-Multi a
	request_header -X-Drop
	request_header X-Repl foo bar
	respond "in={header.X-In} multi={header.X-Multi} drop=[{header.X-Drop}] repl={header.X-Repl}"
}`,
			Requests: []Request{Get("/a"), Get("/b", "X-Multi: z", "X-Drop: d", "X-Repl: foofoo")},
		},
		Case{
			Name: "redir all forms",
			Caddyfile: `:{PORT} {
	redir /a /b
	redir /perm /p permanent
	redir /temp /t temporary
	redir /html /h html
	redir /302 /c 302
	redir /307 /c 307
	redir /308 /c 308
	redir /301 /c 301
	redir /ph https://{host}{uri}
	redir /qs /target?x={query.x}
	redir /old/* /new{path}
	@www host www.example.com
	redir @www https://example.com{uri} permanent
	respond "none"
}`,
			Requests: []Request{Get("/a"), Get("/perm"), Get("/temp"), Get("/html"), Get("/302"), Get("/307"), Get("/308"), Get("/301"),
				GetHost("site.example", "/ph?z=1"), Get("/qs?x=a%20b"), Get("/old/x/y"), GetHost("www.example.com", "/path?q=1"),
				{Method: "POST", Target: "/a", Body: "b"}, {Method: "HEAD", Target: "/html"}},
			Epoll: true,
		},
		Case{
			Name: "rewrite forms",
			Caddyfile: `:{PORT} {
	rewrite /r1 /target
	rewrite /r2 /target?from=r2
	rewrite /r3 ?only=query
	rewrite /r4 /t4?{query}&added=1
	rewrite /r5* /five{path}
	route /multi {
		rewrite * /m1
		rewrite * /m2?x=y
	}
	respond "path={path} query={query} uri={uri}"
}`,
			Requests: []Request{Get("/r1"), Get("/r1?keep=1"), Get("/r2?keep=1"), Get("/r3?x=1"), Get("/r4?a=b"), Get("/r5/x"), Get("/multi"), Get("/none?q")},
		},
		Case{
			Name: "uri strip and replace",
			Caddyfile: `:{PORT} {
	uri /api/* strip_prefix /api
	uri /suffix* strip_suffix .html
	uri /repl* replace foo bar
	uri /repl1* replace a b 1
	uri /re* path_regexp ^/re/(\d+)$ /num/$1
	respond "path={path} uri={uri}"
}`,
			Requests: []Request{Get("/api/v1/users"), Get("/API/v1"), Get("/api"), Get("/suffix/page.html"), Get("/replfoofoo"), Get("/repl1aaa"),
				Get("/re/123"), Get("/re/abc")},
		},
		Case{
			Name: "uri query operations",
			Caddyfile: `:{PORT} {
	uri /set* query set x
	uri /add* query +y 2
	uri /del* query -z
	uri /ren* query a>b
	uri /rep* query c old new
	uri /multi* query {
		+m 1
		-n
		o>p
	}
	respond "query={query} uri={uri}"
}`,
			Requests: []Request{Get("/set?x=1&x=2"), Get("/add?y=1"), Get("/del?z=1&k=2"), Get("/ren?a=1&a=2"), Get("/rep?c=oldold"), Get("/multi?n=1&o=2")},
		},
		Case{
			Name: "vars and map",
			Caddyfile: `:{PORT} {
	vars {
		greeting hello
		who "{query.who}"
	}
	map {path} {backend} {kind} {
		/a     alpha letter
		~^/n(\d+)$ num-${1} number
		default other none
	}
	respond "{vars.greeting} {vars.who} backend={backend} kind={kind} missing=[{vars.nope}]"
}`,
			Requests: []Request{Get("/a?who=me"), Get("/n42"), Get("/zzz"), Get("/A")},
			Epoll:    true,
		},
		Case{
			Name: "vars matcher",
			Caddyfile: `:{PORT} {
	vars /admin* role admin
	@admin vars {vars.role} admin
	respond @admin "admin"
	respond "user"
}`,
			Requests: []Request{Get("/admin/x"), Get("/x")},
		},
		Case{
			Name: "error handler statuses",
			Caddyfile: `:{PORT} {
	error /e403 "forbidden" 403
	error /e500 "boom"
	error /e404 404
	error /eph "bad {path}" 400
	respond "fine"
}`,
			Requests: []Request{Get("/e403"), Get("/e500"), Get("/e404"), Get("/eph"), Get("/x")},
		},
		Case{
			Name: "handle_errors catch-all",
			Caddyfile: `:{PORT} {
	error /e403 "forbidden" 403
	error /e500 "boom {path}"
	respond "fine"
	handle_errors {
		header X-Err "{err.status_code}"
		respond "caught {err.status_code} {err.status_text} msg={err.message}"
	}
}`,
			Requests: []Request{Get("/e403"), Get("/e500"), Get("/x")},
		},
		Case{
			Name: "handle_errors rewrite to a page",
			Caddyfile: `:{PORT} {
	error /missing* 404
	respond "fine"
	handle_errors {
		rewrite * /err-{err.status_code}
		respond "page {path} for {err.status_code}"
	}
}`,
			Requests: []Request{Get("/missing/a?x"), Get("/ok")},
		},
		Case{
			Name: "abort forms",
			Caddyfile: `:{PORT} {
	@bad header X-Bad *
	abort @bad
	abort /no/*
	respond "yes"
}`,
			Requests: []Request{Get("/no/x"), Get("/yes"), Get("/yes", "X-Bad: 1")},
			Epoll:    true,
		},
	)
}
