//go:build caddyoracle

package caddydiff

// Differential cases for reverse_proxy: deterministic selection policies,
// header_up/header_down with upstream placeholders, failover with passive
// health, 502 and 503.
func init() {
	addCases(
		Case{
			Name: "reverse_proxy header_up and header_down",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM} {
		lb_policy first
		header_up X-Up {upstream_hostport}
		header_up X-Host {host}
		header_up -X-Drop
		header_down X-Down yes
		header_down -X-Upstream
	}
}`,
			Requests: []Request{Get("/a?b=c"), {Method: "GET", Target: "/d", Header: []string{"X-Drop: 1", "X-Keep: 2"}}},
		},
		Case{
			Name: "reverse_proxy header_up deleting X-Forwarded-For",
			Caddyfile: `:{PORT} {
	reverse_proxy {UPSTREAM} {
		header_up -X-Forwarded-For
		header_up X-Forwarded-Host override.example
	}
}`,
			Requests: []Request{{Method: "GET", Target: "/f", Header: []string{"X-Forwarded-For: 6.6.6.6"}}},
		},
		Case{
			Name: "reverse_proxy X-Forwarded-* from a server-level trusted proxy",
			Caddyfile: `{
	servers {
		trusted_proxies static 127.0.0.1/8
	}
}
:{PORT} {
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{{Method: "GET", Target: "/t", Header: []string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https", "X-Forwarded-Host: orig.example"}}},
		},
		Case{
			Name: "reverse_proxy X-Forwarded-* with its own trusted_proxies",
			Caddyfile: `:{PORT} {
	handle /trusted/* {
		reverse_proxy {UPSTREAM} {
			trusted_proxies 127.0.0.1
		}
	}
	reverse_proxy {UPSTREAM} {
		trusted_proxies 10.0.0.0/8
	}
}`,
			Requests: []Request{
				{Method: "GET", Target: "/trusted/a", Header: []string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https"}},
				{Method: "GET", Target: "/other", Header: []string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https"}},
			},
		},
		Case{
			Name: "reverse_proxy uri_hash and header policy",
			Caddyfile: `:{PORT} {
	handle /h/* {
		reverse_proxy {UPSTREAM} {
			lb_policy header X-User
		}
	}
	reverse_proxy {UPSTREAM} {
		lb_policy uri_hash
	}
}`,
			Requests: []Request{Get("/x"), Get("/y?z=1"), {Method: "GET", Target: "/h/1", Header: []string{"X-User: alice"}}},
		},
		Case{
			Name: "reverse_proxy failover past a dead upstream",
			Caddyfile: `:{PORT} {
	reverse_proxy 127.0.0.1:1 {UPSTREAM} {
		lb_policy first
		lb_retries 1
		fail_duration 1m
	}
}`,
			Requests: []Request{Get("/one"), Get("/two")},
		},
		Case{
			Name: "reverse_proxy to a dead upstream: 502 then 503",
			Caddyfile: `:{PORT} {
	reverse_proxy 127.0.0.1:1 {
		fail_duration 1m
	}
}`,
			Requests: []Request{Get("/"), Get("/")},
		},
		Case{
			Name: "reverse_proxy with response header ops around it",
			Caddyfile: `:{PORT} {
	header X-Site site
	header {
		-X-Upstream
		defer
	}
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/p")},
		},
	)
}
