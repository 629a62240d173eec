//go:build caddyoracle

package caddydiff

// Probes of less common forms: error statuses from placeholders, status
// classes in handle_errors, header deletions by pattern, vars from
// placeholders in keys.
func init() {
	addCases(
		Case{
			Name: "error status from placeholder",
			Caddyfile: `:{PORT} {
	error "from query" {query.code}
	handle_errors 4xx {
		respond "client error {err.status_code} {err.status_text}"
	}
	handle_errors {
		respond "other {err.status_code}: {err.message}"
	}
}`,
			Requests: []Request{Get("/?code=404"), Get("/?code=429"), Get("/?code=503"), Get("/?code=abc"), Get("/")},
		},
		Case{
			Name: "respond status from placeholder with error routes",
			Caddyfile: `:{PORT} {
	respond "body" {query.code}
	handle_errors {
		respond "error {err.status_code}: {err.message}"
	}
}`,
			Requests: []Request{Get("/?code=201"), Get("/?code=x1"), Get("/")},
		},
		Case{
			Name: "header delete patterns",
			Caddyfile: `:{PORT} {
	header X-Trace-A a
	header X-Trace-B b
	header Other-Trace c
	header Keep d
	header >-X-Trace-*
	header >-*-Trace
	respond "x"
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "vars with placeholder keys and values",
			Caddyfile: `:{PORT} {
	vars {query.k} {query.v}
	respond "[{vars.a}] [{vars.b}] [{http.vars.a}]"
}`,
			Requests: []Request{Get("/?k=a&v=1"), Get("/?k=b&v=two"), Get("/")},
		},
		Case{
			Name: "respond with headers block",
			Caddyfile: `:{PORT} {
	header Content-Type "text/markdown"
	respond /md "# title"
	respond /override "{\"x\":1}" {
		close
	}
	respond "plain"
}`,
			Requests: []Request{Get("/md"), Get("/override"), Get("/")},
		},
	)
}
