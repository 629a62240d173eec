//go:build caddyoracle

package caddydiff

// Real-world-style Caddyfiles, written from Caddy's documentation and the
// setups it describes (SPA, API gateway, www redirects, maintenance page),
// and Caddy's documentation examples for the directives compiled today.
func init() {
	spa := map[string]string{
		"index.html":         "<!doctype html><title>app</title>",
		"assets/app.js":      "console.log(1)",
		"assets/style.css":   "body{}",
		"favicon.ico":        "ico",
		"docs/index.html":    "docs home",
		"docs/guide.html":    "guide",
		"robots.txt":         "User-agent: *",
		"api-docs/v1.json":   `{"v":1}`,
		"maintenance.html":   "<h1>down for maintenance</h1>",
		"errors/404.html":    "custom 404",
		"errors/500.html":    "custom 500",
		"downloads/file.bin": "0123456789abcdef",
	}
	addCases(
		Case{
			Name: "realworld www to apex",
			Caddyfile: `http://www.example.com:{PORT} {
	redir http://example.com{uri} permanent
}
http://example.com:{PORT} {
	header Strict-Transport-Security "max-age=31536000"
	respond "apex {uri}"
}`,
			Requests: []Request{GetHost("www.example.com", "/"), GetHost("www.example.com", "/a/b?c=d"), GetHost("example.com", "/a?x"),
				{Method: "POST", Host: "www.example.com", Target: "/form", Body: "x=1"}},
			Epoll: true,
		},
		Case{
			Name: "realworld apex to www and legacy paths",
			Caddyfile: `http://example.org:{PORT} {
	redir http://www.example.org{uri}
}
http://www.example.org:{PORT} {
	redir /blog /blog/ 308
	redir /feed /blog/index.xml permanent
	redir /old-docs/* /docs{path} permanent
	handle_path /blog/* {
		respond "blog page {path}"
	}
	respond "www {path}"
}`,
			Requests: []Request{GetHost("example.org", "/x?y"), GetHost("www.example.org", "/blog"), GetHost("www.example.org", "/blog/"),
				GetHost("www.example.org", "/blog/2024/post"), GetHost("www.example.org", "/feed"), GetHost("www.example.org", "/old-docs/a/b"),
				GetHost("www.example.org", "/")},
		},
		Case{
			Name: "realworld api gateway",
			Caddyfile: `:{PORT} {
	@cors_preflight method OPTIONS
	handle @cors_preflight {
		header Access-Control-Allow-Origin "*"
		header Access-Control-Allow-Methods "GET, POST, PUT, DELETE"
		header Access-Control-Allow-Headers "Content-Type, Authorization"
		respond "" 204
	}
	handle_path /api/users/* {
		header X-Service users
		reverse_proxy {UPSTREAM}
	}
	handle /api/orders/* {
		uri strip_prefix /api
		header X-Service orders
		reverse_proxy {UPSTREAM}
	}
	handle /api/* {
		respond "{\"error\":\"unknown service\"}" 404
	}
	handle /healthz {
		respond "ok"
	}
	handle {
		respond "gateway" 200
	}
}`,
			Requests: []Request{{Method: "OPTIONS", Target: "/api/users/1"}, Get("/api/users/42?expand=1", "Authorization: Bearer t"),
				Get("/api/orders/7"), {Method: "POST", Target: "/api/orders/", Body: `{"item":1}`, Header: []string{"Content-Type: application/json"}},
				Get("/api/payments/1"), Get("/healthz"), Get("/"), Get("/API/USERS/3")},
			Epoll: true,
		},
		Case{
			Name: "realworld maintenance page",
			Caddyfile: `:{PORT} {
	@maintenance {
		not remote_ip 10.0.0.0/8
		not path /health
	}
	handle @maintenance {
		header Retry-After 3600
		header Cache-Control no-store
		respond "<h1>Down for maintenance</h1>" 503
	}
	respond /health "healthy"
}`,
			Requests: []Request{Get("/"), Get("/page?x=1"), Get("/health"), {Method: "POST", Target: "/submit", Body: "x"}},
		},
		Case{
			Name: "realworld maintenance with error routes",
			Caddyfile: `:{PORT} {
	@notHealth not path /health
	error @notHealth "maintenance" 503
	respond "healthy"
	handle_errors {
		header Retry-After 120
		respond "Service unavailable: {err.message} ({err.status_code})"
	}
}`,
			Requests: []Request{Get("/"), Get("/health"), Get("/x/y")},
		},
		Case{
			Name: "realworld spa routing without files",
			Caddyfile: `:{PORT} {
	handle /api/* {
		reverse_proxy {UPSTREAM}
	}
	@static path /assets/* /favicon.ico /robots.txt
	handle @static {
		header Cache-Control "public, max-age=31536000, immutable"
		respond "static {path}"
	}
	handle {
		rewrite * /index.html
		header Cache-Control no-cache
		respond "index for {path}"
	}
}`,
			Requests: []Request{Get("/"), Get("/dashboard/settings"), Get("/assets/app.js"), Get("/favicon.ico"), Get("/api/me", "Cookie: s=1"),
				Get("/deep/link?tab=2")},
		},
		Case{
			Name: "realworld security headers",
			Caddyfile: `:{PORT} {
	header {
		Strict-Transport-Security "max-age=63072000; includeSubDomains; preload"
		X-Content-Type-Options nosniff
		X-Frame-Options DENY
		Referrer-Policy strict-origin-when-cross-origin
		Permissions-Policy "geolocation=(), microphone=()"
		-Server
		-X-Powered-By
	}
	respond /json "{\"ok\":true}"
	respond "secure"
}`,
			Requests: []Request{Get("/"), Get("/json"), {Method: "HEAD", Target: "/"}},
			Epoll:    true,
		},
		Case{
			Name: "realworld multi-tenant hosts",
			Caddyfile: `http://*.tenants.example:{PORT} {
	vars tenant {labels.2}
	@admin path /admin*
	respond @admin "admin of {vars.tenant}" 403
	respond "tenant {vars.tenant} page {path}"
}
http://tenants.example:{PORT} {
	respond "landing"
}`,
			Requests: []Request{GetHost("acme.tenants.example", "/"), GetHost("globex.tenants.example", "/admin/users"),
				GetHost("tenants.example", "/"), GetHost("ACME.Tenants.Example", "/x")},
		},
		Case{
			Name: "realworld reverse_proxy with header edits",
			Caddyfile: `:{PORT} {
	request_header X-Real-Path {path}
	request_header -Cookie
	header -X-Upstream
	header X-Proxied yes
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/x?y=1", "Cookie: a=b", "X-Keep: k"), {Method: "PUT", Target: "/put", Body: "data"},
				GetHost("proxied.example", "/upstream-status/503")},
			Epoll: true,
		},
		Case{
			Name: "realworld reverse_proxy and error status",
			Caddyfile: `:{PORT} {
	handle /local {
		respond "local"
	}
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/upstream-status/500"), Get("/upstream-status/404"), Get("/upstream-status/301"),
				Get("/local"), {Method: "DELETE", Target: "/item/1"}, {Method: "PATCH", Target: "/item/1", Body: "{}"},
				Get("/q?a=1&a=2&b=%20"), Get("/path%20with%20space")},
		},
		Case{
			Name: "docs respond examples",
			// https://caddyserver.com/docs/caddyfile/directives/respond
			Caddyfile: `:{PORT} {
	respond /secret/* 403
	respond /health "I'm healthy!" 200
	respond /json ` + "`" + `{"message": "OK"}` + "`" + `
	respond /close "Goodbye" {
		close
	}
	respond "Hello, world!"
}`,
			Requests: []Request{Get("/secret/x"), Get("/health"), Get("/json"), Get("/close"), Get("/")},
		},
		Case{
			Name: "docs redir examples",
			// https://caddyserver.com/docs/caddyfile/directives/redir
			Caddyfile: `:{PORT} {
	redir /from /to
	redir /moved https://example.com{uri}
	redir /html /to html
	redir /perm /to permanent
	@dir path_regexp dir ^/dir/(.*)$
	redir @dir /directory/{re.dir.1}
	respond "no redirect"
}`,
			Requests: []Request{Get("/from"), Get("/moved?x=1"), Get("/html"), Get("/perm"), Get("/dir/a/b"), Get("/other")},
		},
		Case{
			Name: "docs header examples",
			// https://caddyserver.com/docs/caddyfile/directives/header
			Caddyfile: `:{PORT} {
	header Custom-Header "My value"
	header -Custom-Header
	header {
		Access-Control-Allow-Origin *
		Access-Control-Allow-Credentials true
		Access-Control-Allow-Methods "GET, POST, OPTIONS"
	}
	header /api/* ?Cache-Control "max-age=3600"
	header X-Replace "alpha beta"
	header X-Replace beta gamma
	respond "headers"
}`,
			Requests: []Request{Get("/"), Get("/api/x")},
		},
		Case{
			Name: "docs rewrite and uri examples",
			// https://caddyserver.com/docs/caddyfile/directives/rewrite and /uri
			Caddyfile: `:{PORT} {
	rewrite /old /new
	rewrite /qs /path?{query}&c=d
	@sub path_regexp sub ^/sub/(.*)$
	rewrite @sub /sub.php?page={re.sub.1}
	uri /strip/* strip_prefix /strip
	uri /repl/* replace /repl/ /replaced/
	uri /query/* query {
		+extra 1
		-remove
		rename>renamed
	}
	respond "{uri}"
}`,
			Requests: []Request{Get("/old"), Get("/qs?a=b"), Get("/sub/page/1"), Get("/strip/x"), Get("/repl/y"),
				Get("/query/z?remove=1&rename=2&keep=3")},
		},
		Case{
			Name: "docs handle_path and route examples",
			// https://caddyserver.com/docs/caddyfile/directives/handle_path and /route
			Caddyfile: `:{PORT} {
	handle_path /prefix/* {
		respond "handle_path {path}"
	}
	route /ordered/* {
		header X-Route yes
		rewrite * /ordered-rewritten{path}
		respond "route {path}"
	}
	handle {
		respond "default"
	}
}`,
			Requests: []Request{Get("/prefix/a/b"), Get("/prefix/"), Get("/ordered/x"), Get("/z")},
		},
		Case{
			Name: "docs map example",
			// https://caddyserver.com/docs/caddyfile/directives/map
			Caddyfile: `:{PORT} {
	map {host} {my_placeholder} {magic_number} {
		example.com "some value" 3
		foo.example.com "another value"
		~(.*)\.example\.com$ "${1} subdomain" 5
		default "unknown" 42
	}
	respond "{my_placeholder} {magic_number}"
}`,
			Requests: []Request{GetHost("example.com", "/"), GetHost("foo.example.com", "/"), GetHost("bar.example.com", "/"), GetHost("other.org", "/")},
		},
	)
	addCases(
		Case{
			Name: "realworld spa with try_files",
			// https://caddyserver.com/docs/caddyfile/patterns#single-page-apps-spas
			Caddyfile: `:{PORT} {
	root * {ROOT}
	handle /api/* {
		reverse_proxy {UPSTREAM}
	}
	handle {
		try_files {path} /index.html
		file_server
	}
}`,
			Files: spa,
			Requests: []Request{Get("/"), Get("/dashboard/settings"), Get("/assets/app.js"), Get("/assets/style.css"), Get("/robots.txt"),
				Get("/api/me"), Get("/docs/"), Get("/docs/guide.html"), Get("/missing.png"), {Method: "HEAD", Target: "/assets/app.js"}},
			Epoll: true,
		},
		Case{
			Name: "realworld static site with error pages",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	file_server
	handle_errors {
		rewrite * /errors/{err.status_code}.html
		file_server
	}
}`,
			Files:    spa,
			Requests: []Request{Get("/"), Get("/nope"), Get("/docs"), Get("/downloads/file.bin"), Get("/downloads/file.bin", "Range: bytes=2-5")},
		},
		Case{
			Name: "realworld maintenance file",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	@down not path /maintenance.html
	rewrite @down /maintenance.html
	file_server {
		status 503
	}
}`,
			Files:    spa,
			Requests: []Request{Get("/"), Get("/anything?x=1"), Get("/maintenance.html")},
		},
	)
}
