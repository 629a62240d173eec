//go:build caddyoracle

package caddydiff

// More probes: map outputs with placeholders and in matchers and
// statuses, host dispatch with ports in Host and trailing dots.
func init() {
	addCases(
		Case{
			Name: "map outputs in use",
			Caddyfile: `:{PORT} {
	map {header.X-Tier} {status} {label} {
		gold   200 "gold for {path}"
		silver 202 "silver {query.id}"
		~^br(o+)nze$ 203 "bronze ${1}"
		default 402 "pay up"
	}
	@paid vars {label} "gold for /in"
	header @paid X-Paid yes
	respond "{label}" {status}
}`,
			Requests: []Request{Get("/in", "X-Tier: gold"), Get("/x?id=7", "X-Tier: silver"), Get("/", "X-Tier: brooonze"), Get("/", "X-Tier: GOLD"), Get("/")},
		},
		Case{
			Name: "host dispatch edges",
			Caddyfile: `http://exact.example:{PORT} {
	respond "exact"
}
http://*.example:{PORT} {
	respond "one label wildcard {labels.1}"
}
http://:{PORT} {
	respond "fallback"
}`,
			Requests: []Request{GetHost("exact.example", "/"), GetHost("exact.example:80", "/"), GetHost("EXACT.example", "/"),
				GetHost("other.example", "/"), GetHost("a.b.example", "/"), GetHost("example", "/"), GetHost("exact.example.", "/"),
				GetHost("[::1]:80", "/"), GetHost("xn--bcher-kva.example", "/")},
			Epoll: true,
		},
	)
}
