//go:build caddyoracle

package caddydiff

// Matchers and placeholders (helpers/caddy_match*.go,
// caddy_placeholder*.go, caddy_clientip.go, caddy_expr_*.go). Values that
// change between two servers (times, UUIDs) are compared by format: a
// vars_regexp on them picks the answer.

func init() {
	files := map[string]string{
		"index.html":         "home",
		"a.html":             "aaaa",
		"big.txt":            "0123456789",
		"small.txt":          "1",
		"docs/index.html":    "docs",
		"docs/guide.md":      "guide",
		"app/index.php":      "<?php",
		"app/sub/script.php": "<?php",
		"sec":                "s3cret\n",
		"glob*name":          "glob",
	}
	addCases(
		Case{
			Name: "matcher path forms",
			Caddyfile: `:{PORT} {
	@exact path /exact
	@prefix path /pre/*
	@suffix path *.json
	@sub path */mid/*
	@multi path /m1 /m2
	respond @exact "exact"
	respond @prefix "prefix {path}"
	respond @suffix "suffix"
	respond @sub "sub"
	respond @multi "multi"
	respond "none {path}"
}`,
			Requests: []Request{Get("/exact"), Get("/EXACT"), Get("/exact/"), Get("/pre/x/y"), Get("/pre"), Get("/a/b.JSON"),
				Get("/x/mid/y"), Get("/m2"), Get("/m3")},
			Epoll: true,
		},
		Case{
			Name: "matcher host method header query",
			Caddyfile: `:{PORT} {
	@h host a.example *.b.example
	@m method PUT DELETE
	@hdr header X-Kind text* 
	@hdrnone header !X-Absent
	@q query page=2 tag=*
	respond @h "host {host}"
	respond @m "method {method}"
	respond @hdr "header {header.X-Kind}"
	respond @q "query {query.page} {query.tag}"
	respond @hdrnone "no absent"
	respond "none"
}`,
			Requests: []Request{GetHost("a.example", "/"), GetHost("x.B.example", "/"), {Method: "PUT", Target: "/"},
				Get("/", "X-Kind: textual"), Get("/", "X-Kind: other"), Get("/?page=2&tag=z"), Get("/?page=3&tag=z"),
				Get("/", "X-Absent: 1")},
		},
		Case{
			Name: "matcher regexps and captures",
			Caddyfile: `:{PORT} {
	@pr path_regexp ver ^/v(\d+)/(?P<res>\w+)
	@hr header_regexp ua User-Agent ^(\w+)/(\d+)
	@vr vars_regexp cap {http.request.uri.query} ^x=(\w+)$
	respond @pr "path {re.ver.1} {re.ver.res} {re.1}"
	respond @hr "ua {re.ua.1} {re.ua.2}"
	respond @vr "vars {re.cap.1}"
	respond "none"
}`,
			Requests: []Request{Get("/v2/users"), Get("/V3/Items/x"), Get("/", "User-Agent: curl/8"), Get("/?x=abc"), Get("/?x=a-b")},
		},
		Case{
			Name: "matcher protocol remote_ip not",
			Caddyfile: `:{PORT} {
	@https protocol https
	@h11 protocol http/1.1
	@local remote_ip 127.0.0.0/8
	@notlocal not remote_ip 127.0.0.0/8
	header @h11 X-H11 yes
	respond @https "https"
	respond @notlocal "remote"
	respond @local "local {remote_host}"
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "client_ip without trusted proxies",
			Caddyfile: `:{PORT} {
	@c client_ip 127.0.0.1
	respond @c "client {client_ip}"
	respond "other {client_ip}"
}`,
			Requests: []Request{Get("/"), Get("/", "X-Forwarded-For: 203.0.113.9")},
		},
		Case{
			Name: "client_ip with trusted proxies",
			Caddyfile: `{
	servers {
		trusted_proxies static 127.0.0.0/8
	}
}
:{PORT} {
	@c client_ip 203.0.113.0/24
	@r remote_ip 203.0.113.0/24
	respond @r "remote matched"
	respond @c "client {client_ip} {remote_host}"
	respond "other {client_ip}"
}`,
			Requests: []Request{Get("/"), Get("/", "X-Forwarded-For: 203.0.113.9, 10.0.0.1"),
				Get("/", "X-Forwarded-For: junk, 198.51.100.4:80"), Get("/", "X-Forwarded-For: nothing"),
				Get("/", "X-Forwarded-For: 203.0.113.1", "X-Forwarded-For: 10.1.1.1")},
			Epoll: true,
		},
		Case{
			Name: "client_ip headers and strict",
			Caddyfile: `{
	servers {
		trusted_proxies static 127.0.0.1 10.0.0.0/8
		client_ip_headers X-Real-IP X-Forwarded-For
		trusted_proxies_strict
	}
}
:{PORT} {
	respond "client {client_ip}"
}`,
			Requests: []Request{Get("/"), Get("/", "X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.2.2.2"),
				Get("/", "X-Real-IP: 10.9.9.9", "X-Forwarded-For: 203.0.113.5"), Get("/", "X-Forwarded-For: 10.3.3.3")},
		},
		Case{
			Name:  "file matcher first_exist",
			Files: files,
			Caddyfile: `:{PORT} {
	root * {ROOT}
	@f file {
		try_files {path} {path}.html {path}/index.html
	}
	respond @f "rel={file_match.relative} type={file_match.type} rem=[{file_match.remainder}] abs_ok={http.matchers.file.absolute}"
	respond "missing {path}"
}`,
			Requests: []Request{Get("/a.html"), Get("/a"), Get("/docs"), Get("/docs/"), Get("/nope"), Get("/glob*name"),
				Get("/docs/guide.md"), Get("/*.html")},
			Epoll: true,
		},
		Case{
			Name:  "file matcher policies",
			Files: files,
			Caddyfile: `:{PORT} {
	@large file {
		root {ROOT}
		try_files /small.txt /big.txt /a.html
		try_policy largest_size
	}
	@small file {
		root {ROOT}
		try_files /big.txt /small.txt /a.html
		try_policy smallest_size
	}
	@fallback file {
		root {ROOT}
		try_files /none1 /none2 /fallback.txt
		try_policy first_exist_fallback
	}
	@glob file {
		root {ROOT}
		try_files /*.txt
	}
	respond /large @large "large {file_match.relative}"
	respond /small @small "small {file_match.relative}"
	respond /fallback @fallback "fallback {file_match.relative} {file_match.type}"
	respond /glob @glob "glob {file_match.relative}"
	respond "none"
}`,
			Requests: []Request{Get("/large"), Get("/small"), Get("/fallback"), Get("/glob")},
		},
		Case{
			Name:  "file matcher split_path",
			Files: files,
			Caddyfile: `:{PORT} {
	@php file {
		root {ROOT}/app
		try_files {path}
		split_path .php
	}
	respond @php "php rel={file_match.relative} rem={file_match.remainder}"
	respond "none"
}`,
			Requests: []Request{Get("/index.php"), Get("/index.php/extra/path"), Get("/sub/script.php/x"), Get("/index.phpx"), Get("/INDEX.PHP/y")},
		},
		Case{
			Name:  "file matcher status entry",
			Files: files,
			Caddyfile: `:{PORT} {
	@f file {
		root {ROOT}
		try_files {path} =404 /index.html
	}
	respond @f "found {file_match.relative}"
	respond "unreached"
	handle_errors {
		respond "error {err.status_code} {err.message}"
	}
}`,
			Requests: []Request{Get("/a.html"), Get("/nope")},
		},
		Case{
			Name: "expression evaluation error",
			Caddyfile: `:{PORT} {
	@num expression int({header.X-N}) > 10
	respond @num "big"
	respond "small"
	handle_errors {
		respond "error" 502
	}
}`,
			// Not {err.status_code}: Caddy sets the error placeholders
			// only for its HandlerError, not for a CEL evaluation error.
			Requests: []Request{Get("/", "X-N: 11"), Get("/", "X-N: 3"), Get("/", "X-N: x")},
		},
		Case{
			Name: "expression evaluation error without handle_errors",
			Caddyfile: `:{PORT} {
	@num expression int({header.X-N}) > 10
	respond @num "big"
	respond "small"
}`,
			Requests: []Request{Get("/", "X-N: 11"), Get("/")},
			Epoll:    true,
		},
		Case{
			Name:  "try_files rewrite",
			Files: files,
			Caddyfile: `:{PORT} {
	root * {ROOT}
	try_files {path} {path}/index.html /index.html
	respond "served {path} {uri}"
}`,
			Requests: []Request{Get("/a.html"), Get("/docs"), Get("/missing?q=1"), Get("/")},
		},
		Case{
			Name:  "file matcher shorthand",
			Files: files,
			Caddyfile: `:{PORT} {
	root * {ROOT}
	@one file /nope.html /a.html
	@def file
	respond /one @one "one {file_match.relative}"
	respond @def "default {file_match.relative} {file_match.type}"
	respond "none"
}`,
			Requests: []Request{Get("/one"), Get("/small.txt"), Get("/docs"), Get("/zz")},
		},
		Case{
			Name: "expression quoting forms",
			Caddyfile: `:{PORT} {
	@a expression {http.request.header.X-N} == "400"
	@b expression {method} == "POST"
	@d expression "{path} == '/d'"
	@e expression ` + "`{path} == \"/e\"`" + `
	@f ` + "`{path}.endsWith('/f')`" + `
	respond @a "a"
	respond @b "b"
	respond @d "d"
	respond @e "e"
	respond @f "f"
	respond "none"
}`,
			Requests: []Request{Get("/", "X-N: 400"), {Method: "POST", Target: "/"}, Get("/d"), Get("/e"), Get("/x/f"), Get("/g")},
		},
		Case{
			Name: "expression basics",
			Caddyfile: `:{PORT} {
	@get expression {method} == "GET" && {path}.startsWith("/e")
	@in expression {method} in ["PUT", "PATCH"]
	@not expression !({path} == "/x") && {query} != ""
	@num expression int({header.X-N}) > 10
	respond @get "get {path}"
	respond @in "in {method}"
	respond @not "not {query}"
	respond @num "num {header.X-N}"
	respond "none"
}`,
			Requests: []Request{Get("/e1"), {Method: "PATCH", Target: "/z"}, Get("/y?q=1"), Get("/x?q=1"), Get("/", "X-N: 11"),
				Get("/", "X-N: 9")},
			Epoll: true,
		},
		Case{
			Name: "expression macros",
			Caddyfile: `:{PORT} {
	@p expression path('/api/*') && method('GET', 'HEAD')
	@h expression header({'X-Api': 'v*'}) || header_regexp('ua', 'User-Agent', '^bot')
	@q expression query({'k': ['a', 'b']})
	@host expression host('a.example') && protocol('http')
	@ip expression remote_ip('127.0.0.1/32') && client_ip('127.0.0.0/8') && path('/ip')
	respond @p "api {path}"
	respond @h "hdr {re.ua.0}"
	respond @q "query {query.k}"
	respond @host "host"
	respond @ip "ip"
	respond "none"
}`,
			Requests: []Request{Get("/api/x"), {Method: "POST", Target: "/api/x"}, Get("/", "X-Api: v2"), Get("/", "User-Agent: botty"),
				Get("/?k=b"), Get("/?k=c"), GetHost("a.example", "/"), Get("/ip")},
		},
		Case{
			Name: "expression regexp macros and names",
			Caddyfile: `:{PORT} {
	@v expression path_regexp('^/v(\\d+)/') && vars_regexp('m', '{method}', '^(G)ET$')
	@named {
		expression path_regexp(r'^/n/(\w+)')
	}
	respond @v "v {re.1} {re.m.1}"
	respond @named "named {re.named.1}"
	respond "none"
}`,
			Requests: []Request{Get("/v12/x"), Get("/n/abc"), {Method: "POST", Target: "/v1/"}},
		},
		Case{
			Name:  "expression file",
			Files: files,
			Caddyfile: `:{PORT} {
	root * {ROOT}
	@f expression file({'try_files': [{path}, {path} + '.html']})
	@d expression file({'root': '{ROOT}/docs', 'try_files': ['/guide.md']}) && path('/guide')
	respond @f "file {file_match.relative}"
	respond @d "docs {file_match.relative}"
	respond "none"
}`,
			Requests: []Request{Get("/a"), Get("/index.html"), Get("/nope"), Get("/guide")},
		},
		Case{
			Name: "expression strings and numbers",
			Caddyfile: `:{PORT} {
	@s expression {path}.endsWith('.css') || {path}.contains('/img/') || {header.Accept}.matches('(?i)IMAGE/')
	@n expression {http.request.port} > 0 && size({path}) < 8 && ({path} + '!').endsWith('/!')
	respond @s "static"
	respond @n "short dir"
	respond "none"
}`,
			Requests: []Request{Get("/a.css"), Get("/x/img/y"), Get("/z", "Accept: image/png"), Get("/ab/"), Get("/abcdefgh/")},
		},
		Case{
			Name: "placeholders request extras",
			Caddyfile: `:{PORT} {
	respond "proto={http.request.proto} name={http.request.proto_name} file={file} dir={dir} base={http.request.uri.path.file.base} ext={http.request.uri.path.file.ext} %uri={%uri} %path={%path} %query={%query} cookie={cookie.sid} c2={http.request.cookie.Theme} net={http.request.remote.host/8} client={client_ip}"
}`,
			Requests: []Request{Get("/docs/a%20b.tar.gz?q=a+b&x=1", "Cookie: sid=xyz; theme=dark"), Get("/"), Get("/dir/", "Cookie: bad")},
			Epoll:    true,
		},
		Case{
			Name:  "placeholders global",
			Files: files,
			Caddyfile: `:{PORT} {
	respond "os={system.os} arch={system.arch} slash={system.slash} host={system.hostname} home={env.HOME} none=[{env.ZS_SURELY_UNSET}] file={file.{ROOT}/sec} nofile=[{file.{ROOT}/missing}]"
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "placeholders time and uuid by format",
			Caddyfile: `:{PORT} {
	@unix vars_regexp {time.now.unix} ^\d{10}$
	@ms vars_regexp {time.now.unix_ms} ^\d{13}$
	@year vars_regexp {time.now.year} ^20\d\d$
	@http vars_regexp {time.now.http} "^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$"
	@clf vars_regexp {time.now.common_log} "^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}$"
	@uuid vars_regexp {http.request.uuid} ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$
	route {
		header @unix X-Unix ok
		header @ms X-Ms ok
		header @year X-Year ok
		header @http X-Http ok
		header @clf X-Clf ok
		header @uuid X-Uuid ok
		respond "checked"
	}
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "vars matcher and placeholders",
			Caddyfile: `:{PORT} {
	vars env prod
	@prod vars env prod
	@ph vars {http.request.method} GET
	@vclient vars client_ip 127.0.0.1
	header @vclient X-Client-Var yes
	respond @prod "prod {vars.env} {http.vars.trusted_proxy}"
	respond @ph "method var"
	respond "none"
}`,
			Requests: []Request{Get("/")},
		},
	)
}
