package proxy

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseUpstream(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Upstream
	}{
		{"http://127.0.0.1:8080", Upstream{Host: "127.0.0.1", Port: 8080, Addr: netip.MustParseAddrPort("127.0.0.1:8080")}},
		{"http://localhost", Upstream{Host: "localhost", Port: 80, Addr: netip.MustParseAddrPort("127.0.0.1:80")}},
		{"http://[::1]:9000/api/", Upstream{Host: "::1", Port: 9000, BasePath: "/api", Addr: netip.MustParseAddrPort("[::1]:9000")}},
		{"http://[::ffff:1.2.3.4]", Upstream{Host: "::ffff:1.2.3.4", Port: 80, Addr: netip.MustParseAddrPort("1.2.3.4:80")}},
		{"http://h:1/a/b?x=1&y", Upstream{Host: "h", Port: 1, BasePath: "/a/b", Query: "x=1&y"}},
		{"http://h//?q", Upstream{Host: "h", Port: 80, Query: "q"}},
		{"https://h/b", Upstream{Host: "h", Port: 443, TLS: true, BasePath: "/b"}},
		{"https://127.0.0.1:8443", Upstream{Host: "127.0.0.1", Port: 8443, TLS: true, Addr: netip.MustParseAddrPort("127.0.0.1:8443")}},
		{"unix//run/app.sock", Upstream{Host: "localhost", Port: 80, Unix: "/run/app.sock"}},
		{"unix/rel.sock", Upstream{Host: "localhost", Port: 80, Unix: "rel.sock"}},
		{"unix/@abstract", Upstream{Host: "localhost", Port: 80, Unix: "@abstract"}},
	} {
		u, err := ParseUpstream(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if *u != tc.want {
			t.Errorf("%q: %+v, want %+v", tc.in, *u, tc.want)
		}
	}
	for _, tc := range []struct{ in, reason string }{
		{"unix/", "path empty"},
		{"unix/@", "path empty"},
		{"unix//" + strings.Repeat("x", 107), "longer than 107"},
		{"unix//a\nb", "control byte"},
		{"unix:/run/app.sock", `spelled "unix//path`},
		{"unix+h2c//run/app.sock", `spelled "unix//path`},
		{"ftp://h", "want"},
		{"http://", "empty host"},
		{"http://:80", "empty host"},
		{"http://h:0", "invalid port"},
		{"http://h:65536", "invalid port"},
		{"http://h:x", "invalid port"},
		{"http://u@h", "user info"},
		{"http://h/#f", "fragment"},
		{"http://h/a b", "control, space"},
		{"http://[::1", "unterminated"},
		{"http://[1.2.3.4]", "invalid IPv6"},
		{"http://[::1]x", "junk after"},
		{"http://h%41", "invalid host name byte"},
	} {
		_, err := ParseUpstream(tc.in)
		var ue *URLError
		if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tc.reason) {
			t.Errorf("%q: error %v, want a URLError about %q", tc.in, err, tc.reason)
		}
	}
}

func TestNewRejects(t *testing.T) {
	if p, err := New(Config{}); err != nil || p.Upstream() != nil {
		t.Errorf("New without an upstream: %v, %v", p, err)
	}
	for _, cfg := range []Config{
		{Upstream: "ftp://h"},
		{Upstream: "http://127.0.0.1:1", DialTimeout: -1},
		{Upstream: "http://127.0.0.1:1", MaxIdleConns: -1},
		{Upstream: "http://no-such-host.invalid"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func FuzzParseUpstream(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8080/a?b", "http://[::1]:1", "https://x", "unix//a", "http://h:99999", "http://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUpstream(s)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) || ue.Offset < 0 || ue.Offset > len(s) {
				t.Fatalf("%q: bad error %v", s, err)
			}
			return
		}
		if u.Unix != "" && (u.Addr.IsValid() || u.HostPort() != "localhost" || len(u.Unix) > 107) {
			t.Fatalf("%q: %+v", s, *u)
		}
		if u.Host == "" || u.Port == 0 || strings.HasSuffix(u.BasePath, "/") || (u.BasePath != "" && u.BasePath[0] != '/') {
			t.Fatalf("%q: %+v", s, *u)
		}
		_ = u.HostPort()
	})
}
