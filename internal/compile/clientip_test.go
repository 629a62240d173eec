package compile

import "testing"

// TestClientIP checks client_ip and {client_ip} with trusted proxies as
// Caddy's server computes the client IP (determineTrustedProxy): the
// client-IP fields are believed only from a trusted peer, read left to
// right for the first valid address, or (strict) right to left for the
// first untrusted one; remote_ip always sees the peer.
func TestClientIP(t *testing.T) {
	const site = `:80 {
	@c client_ip 203.0.113.0/24
	@r remote_ip 10.0.0.0/8
	header @r X-Remote proxy
	respond @c "client {client_ip} {http.vars.trusted_proxy}"
	respond "other {client_ip} {remote_host}"
}`
	from := func(peer string, hdr ...string) probe {
		p := get("a/", hdr...)
		p.peer = peer
		return p
	}
	runCases(t, []caddyCase{
		{
			name:      "no trusted proxies",
			caddyfile: site,
			probes:    []probe{from("203.0.113.5:1"), from("10.1.1.1:1", "X-Forwarded-For: 203.0.113.9"), from("[2001:db8::1%eth0]:2")},
			want: []string{"200 client 203.0.113.5 false" + plain, "200 other 10.1.1.1 10.1.1.1" + plain + " | X-Remote: proxy",
				"200 other 2001:db8::1 2001:db8::1%eth0" + plain},
		},
		{
			name: "leftmost",
			caddyfile: `{
	servers {
		trusted_proxies static 10.0.0.0/8 192.0.2.1
		client_ip_headers X-Real-IP X-Forwarded-For
	}
}
` + site,
			probes: []probe{
				from("10.1.1.1:1", "X-Forwarded-For: junk, 203.0.113.9:55, 198.51.100.1"),
				from("10.1.1.1:1", "X-Real-IP: 198.51.100.7", "X-Forwarded-For: 203.0.113.9"),
				from("10.1.1.1:1", "X-Forwarded-For: nonsense"),
				from("10.1.1.1:1"),
				from("198.51.100.3:1", "X-Forwarded-For: 203.0.113.9"),
				from("192.0.2.1:9", "X-Forwarded-For:  203.0.113.4 "),
			},
			want: []string{
				"200 client 203.0.113.9 true" + plain + " | X-Remote: proxy",
				"200 other 198.51.100.7 10.1.1.1" + plain + " | X-Remote: proxy",
				"200 other 10.1.1.1 10.1.1.1" + plain + " | X-Remote: proxy",
				"200 other 10.1.1.1 10.1.1.1" + plain + " | X-Remote: proxy",
				"200 other 198.51.100.3 198.51.100.3" + plain,
				"200 client 203.0.113.4 true" + plain,
			},
		},
		{
			name: "strict",
			caddyfile: `{
	servers {
		trusted_proxies static 10.0.0.0/8
		trusted_proxies_strict
	}
}
` + site,
			probes: []probe{
				from("10.1.1.1:1", "X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.2.2.2"),
				from("10.1.1.1:1", "X-Forwarded-For: 203.0.113.1", "X-Forwarded-For: 10.3.3.3, 10.2.2.2"),
				from("10.1.1.1:1", "X-Forwarded-For: 10.3.3.3"),
			},
			want: []string{
				"200 client 203.0.113.9 true" + plain + " | X-Remote: proxy",
				"200 client 203.0.113.1 true" + plain + " | X-Remote: proxy",
				"200 other 10.1.1.1 10.1.1.1" + plain + " | X-Remote: proxy",
			},
		},
	})
}
