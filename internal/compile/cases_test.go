package compile

import (
	"fmt"
	"strings"
	"testing"
)

// The expected responses follow Caddy's source (v2.11.9, module cache):
// static_response sets Content-Type for a non-empty body
// (staticresp.go), a request no route answers gets an empty 200 (the
// server's handler chain ends in an empty handler and net/http writes
// 200), the path matcher is case-insensitive on the cleaned path
// (matchers.go), handle_path strips the prefix with rewrite
// strip_path_prefix, route groups run only their first matching route
// (routes.go), and header ops run in the order delete "*", add, set,
// delete, replace (headers/headers.go).
func TestCaddyfiles(t *testing.T) {
	runCases(t, []caddyCase{
		{
			name:      "respond status",
			caddyfile: ":80 {\n respond /gone 410\n respond \"nope\" 404\n}",
			probes:    []probe{get("a/gone"), get("a/x")},
			want:      []string{"410 ", "404 nope" + plain},
		},
		{
			name: "named matchers",
			caddyfile: `:80 {
	@post method POST
	@json {
		path *.json
		header Accept *json*
	}
	@notapi not path /api/*
	respond @post "posted" 201
	respond @json "{\"ok\":true}"
	respond @notapi "not api"
	respond "api"
}`,
			probes: []probe{{method: "POST", host: "a", uri: "/api/x"}, get("a/a.json", "Accept: application/json"),
				get("a/a.json"), get("a/api/x"), get("a/API/X.JSON", "Accept: text/json")},
			want: []string{"201 posted" + plain, "200 {\"ok\":true} | Content-Type: application/json",
				"200 not api" + plain, "200 api" + plain, "200 {\"ok\":true} | Content-Type: application/json"},
		},
		{
			name: "handle and handle_path",
			caddyfile: `:80 {
	handle_path /api/* {
		respond "api {path}"
	}
	handle /static/* {
		respond "static {http.request.uri}"
	}
	handle {
		respond "fallback {uri}"
	}
}`,
			probes: []probe{get("a/api/users/7?x=1"), get("a/static/a.css?v=2"), get("a/other"), get("a/api")},
			want:   []string{"200 api /users/7" + plain, "200 static /static/a.css?v=2" + plain, "200 fallback /other" + plain, "200 fallback /api" + plain},
		},
		{
			name: "route order and groups",
			caddyfile: `:80 {
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
			// Caddy sorts handle before route, and the more specific
			// /bc* before /b* (one group: only the first match runs).
			probes: []probe{get("h/a"), get("h/bc"), get("h/bx"), get("h/z")},
			want: []string{"200 a" + plain + " | X-First: 1", "200 bc" + plain, "200 b" + plain,
				"200 end" + plain + " | X-First: 1 | X-Second: 2"},
		},
		{
			name: "header ops and placeholders",
			caddyfile: `:80 {
	request_header X-Req "from {http.request.method}"
	request_header -X-Drop
	header X-Resp "v1"
	header +X-Multi "a"
	header +X-Multi "b"
	respond "{http.request.header.X-Req}|{header.X-Drop}|{query.q}|{host}|{remote_host}|{unknown}"
}`,
			probes: []probe{get("example.com:8080/p?q=hi+there", "X-Drop: gone")},
			want:   []string{"200 from GET||hi there|example.com|192.0.2.7|{unknown}" + plain + " | X-Multi: a | X-Multi: b | X-Resp: v1"},
		},
		{
			name: "deferred delete applies when the response is written",
			caddyfile: `:80 {
	header -X-Powered
	respond "x" {
		close
	}
}`,
			probes: []probe{get("a/")},
			want:   []string{"200 x | Connection: close" + plain},
		},
		{
			// "?" sets a default: a deferred op that requires the field
			// to be absent when the response is written.
			name: "header default",
			caddyfile: `:80 {
	header ?X-Def "dflt"
	header /given X-Def "given"
	respond "r"
}`,
			probes: []probe{get("a/given"), get("a/other")},
			want:   []string{"200 r" + plain + " | X-Def: given", "200 r" + plain + " | X-Def: dflt"},
		},
		{
			name: "path_regexp captures and vars",
			caddyfile: `:80 {
	@user path_regexp user ^/u/(?P<id>[0-9]+)$
	vars who world
	respond @user "user {re.user.1} {re.user.id} {vars.who}"
	respond "no match {vars.who}"
}`,
			probes: []probe{get("a/u/42"), get("a/u/x")},
			want:   []string{"200 user 42 42 world" + plain, "200 no match world" + plain},
		},
		{
			name: "rewrite",
			caddyfile: `:80 {
	rewrite /old /new?from=old
	respond "{path} {query}"
}`,
			probes: []probe{get("a/old"), get("a/other?k=v")},
			want:   []string{"200 /new from=old" + plain, "200 /other k=v" + plain},
		},
		{
			name: "abort and no response",
			caddyfile: `:80 {
	abort /bad
	header /quiet X-Quiet yes
}`,
			probes: []probe{get("a/bad"), get("a/quiet"), get("a/x")},
			want:   []string{"abort", "200  | X-Quiet: yes", "200 "},
		},
		{
			// Caddy: the error handler returns a HandlerError; the
			// server restores the request and runs handle_errors with
			// {http.error.*} set; static_response defaults to the
			// error's status there (staticresp.go, server.go).
			name: "handle_errors",
			caddyfile: `:80 {
	rewrite /r /boom
	error /boom "it broke" 418
	handle /sub {
		error 503
	}
	respond /ok "ok"
	handle_errors {
		respond "{http.error.status_code} {http.error.status_text}: {http.error.message} at {path}"
	}
}`,
			probes: []probe{get("a/boom"), get("a/r"), get("a/sub"), get("a/ok"), get("a/none")},
			want: []string{"418 418 I'm a teapot: it broke at /boom" + plain, "418 418 I'm a teapot: it broke at /r" + plain,
				"503 503 Service Unavailable:  at /sub" + plain, "200 ok" + plain, "200 "},
		},
		{
			name:      "error without error routes",
			caddyfile: ":80 {\n\terror /x 403\n\theader X-Kept yes\n}",
			probes:    []probe{get("a/x"), get("a/y")},
			want:      []string{"403  | X-Kept: yes", "200  | X-Kept: yes"},
		},
		{
			// Caddy's map handler: destinations evaluated when used,
			// regexp outputs expanded with captures, defaults last.
			name: "map",
			caddyfile: `:80 {
	map {host} {backend} {tier} {
		example.com   one        gold
		~^(.+)\.dev$  dev-${1}   -
		default       none       bronze
	}
	respond "{backend} {tier}"
}`,
			probes: []probe{get("example.com/"), get("a.dev/"), get("x.org/")},
			want:   []string{"200 one gold" + plain, "200 dev-a bronze" + plain, "200 none bronze" + plain},
		},
		{
			name: "host sites",
			caddyfile: `http://one.example {
	respond "one"
}
http://*.two.example {
	respond "wild {host}"
}
http://three.example, http://four.example {
	respond "three-four"
}`,
			probes: []probe{get("one.example/"), get("ONE.Example:80/"), get("a.two.example/"), get("two.example/"),
				get("four.example/"), get("nowhere.example/"), get("[::1]:80/")},
			want: []string{"200 one" + plain, "200 one" + plain, "200 wild a.two.example" + plain, "200 ",
				"200 three-four" + plain, "200 ", "200 "},
		},
	})
}

// TestHostDispatch256 compiles 256 sites: the first and the last answer,
// and a miss gets Caddy's empty 200.
func TestHostDispatch256(t *testing.T) {
	var b strings.Builder
	for i := range 256 {
		fmt.Fprintf(&b, "http://site%d.example {\n\t@api path /api/*\n\trespond @api \"api %d\"\n\trespond \"site %d\"\n}\n", i, i, i)
	}
	runCases(t, []caddyCase{{
		name:      "256 sites",
		caddyfile: b.String(),
		probes:    []probe{get("site0.example/"), get("site255.example/api/x"), get("site128.example/x"), get("site256.example/")},
		want:      []string{"200 site 0" + plain, "200 api 255" + plain, "200 site 128" + plain, "200 "},
	}})
}
