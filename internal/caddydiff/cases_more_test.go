//go:build caddyoracle

package caddydiff

// More handler and dispatch cases: response matchers on header, map
// outputs, many sites on one port.
func init() {
	addCases(
		Case{
			Name: "header response matchers",
			Caddyfile: `:{PORT} {
	header {
		X-Only-Errors yes
		match {
			status 4xx 5xx
		}
	}
	header {
		X-Only-Json yes
		match {
			header Content-Type application/json*
		}
	}
	respond /nf "missing" 404
	respond /json "{\"a\":1}"
	respond /err "boom" 503
	respond "fine"
}`,
			Requests: []Request{Get("/nf"), Get("/json"), Get("/err"), Get("/")},
		},
		Case{
			Name: "map skips and regexps",
			Caddyfile: `:{PORT} {
	map {path} {a} {b} {
		/one    1 -
		/two    - 2
		~^/re/(?P<name>\w+)$ "re-${name}" "${1}!"
		default d1 d2
	}
	respond "a=[{a}] b=[{b}]"
}`,
			Requests: []Request{Get("/one"), Get("/two"), Get("/re/abc"), Get("/zzz")},
		},
		Case{
			Name: "many sites on one port",
			Caddyfile: `http://s1.example:{PORT} {
	respond "s1"
}
http://s2.example:{PORT} {
	respond "s2"
}
http://s3.example:{PORT} {
	respond "s3"
}
http://*.s4.example:{PORT} {
	respond "s4 wild {labels.2}"
}
http://s4.example:{PORT} {
	respond "s4 apex"
}
http://*.*.deep.example:{PORT} {
	respond "deep {labels.3}.{labels.2}"
}
http://s5.example:{PORT}/admin* {
	respond "s5 admin"
}
http://s5.example:{PORT} {
	respond "s5"
}`,
			Requests: []Request{GetHost("s1.example", "/"), GetHost("s2.example", "/"), GetHost("s3.example", "/"), GetHost("a.s4.example", "/"),
				GetHost("s4.example", "/"), GetHost("a.b.s4.example", "/"), GetHost("x.y.deep.example", "/"), GetHost("y.deep.example", "/"),
				GetHost("s5.example", "/admin/x"), GetHost("s5.example", "/x"), GetHost("S1.EXAMPLE", "/"), GetHost("nomatch.example", "/")},
			Epoll: true,
		},
		Case{
			Name: "header delete all but some",
			Caddyfile: `:{PORT} {
	header X-A 1
	header X-B 2
	header >X-A ""
	respond "x"
}`,
			Requests: []Request{Get("/")},
		},
		Case{
			Name: "header set from request values",
			Caddyfile: `:{PORT} {
	header X-Echo-UA "{header.User-Agent}"
	header X-Echo-Q "{query.q}"
	header X-Empty "{header.Missing}"
	header X-Path-Seg "{http.request.uri.path.1}"
	respond "ok"
}`,
			Requests: []Request{Get("/a/b?q=1", "User-Agent: ua/1"), Get("/")},
		},
	)
}
