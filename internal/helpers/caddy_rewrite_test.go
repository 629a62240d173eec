package helpers

import (
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestRewrite checks the rewrite steps on the results Caddy gives (the
// differential suite, internal/caddydiff, compares them with Caddy too).
func TestRewrite(t *testing.T) {
	for _, c := range []struct {
		name     string
		cfg      caddyconf.Rewrite
		uri      string
		want     string
		wantMeth string
	}{
		{"uri path keeps query", caddyconf.Rewrite{URI: "/target"}, "/a?x=1", "/target?x=1", ""},
		{"uri query only", caddyconf.Rewrite{URI: "?only=1"}, "/a?x=1", "/a?only=1", ""},
		{"uri path placeholder escaped", caddyconf.Rewrite{URI: "/five{http.request.uri.path}"}, "/a%20b/c", "/five/a%20b/c", ""},
		{"uri query from placeholder", caddyconf.Rewrite{URI: "/t?{http.request.uri.query}&added=1"}, "/a?b=c", "/t?b=c&added=1", ""},
		{"method", caddyconf.Rewrite{Method: "post"}, "/a", "/a", "POST"},
		{"strip prefix", caddyconf.Rewrite{StripPathPrefix: "/api"}, "/API/v1/x?q", "/v1/x?q", ""},
		{"strip prefix to root", caddyconf.Rewrite{StripPathPrefix: "/api"}, "/api", "/", ""},
		{"strip suffix", caddyconf.Rewrite{StripPathSuffix: ".html"}, "/page.HTML", "/page", ""},
		{"strip suffix escaped", caddyconf.Rewrite{StripPathSuffix: "b"}, "/a%62", "/a", ""},
		{"strip suffix absent", caddyconf.Rewrite{StripPathSuffix: ".php"}, "/page.html", "/page.html", ""},
		{"substring", caddyconf.Rewrite{URISubstring: []caddyconf.SubstringReplacer{{Find: "foo", Replace: "bar"}}}, "/foofoo?x=foo", "/barbar?x=bar", ""},
		{"substring limit", caddyconf.Rewrite{URISubstring: []caddyconf.SubstringReplacer{{Find: "a", Replace: "b", Limit: 1}}}, "/aaa", "/baa", ""},
		{"path regexp", caddyconf.Rewrite{PathRegexp: []caddyconf.RegexReplacer{{Find: `^/re/(\d+)$`, Replace: "/num/$1"}}}, "/re/12?q", "/num/12?q", ""},
		{"query set add", caddyconf.Rewrite{Query: &caddyconf.QueryOps{Set: []caddyconf.QueryArg{{Key: "x", Val: "s"}}, Add: []caddyconf.QueryArg{{Key: "y", Val: "2"}}}}, "/q?x=1&x=2&y=1", "/q?x=s&y=1&y=2", ""},
		{"query rename delete", caddyconf.Rewrite{Query: &caddyconf.QueryOps{Rename: []caddyconf.QueryArg{{Key: "a", Val: "b"}}, Delete: []string{"z"}}}, "/q?a=1&z=2&k=3", "/q?b=1&k=3", ""},
		{"query replace", caddyconf.Rewrite{Query: &caddyconf.QueryOps{Replace: []caddyconf.QueryReplacement{{Key: "c", Search: "old", Replace: "new"}, {Key: "*", SearchRegexp: "[0-9]+", Replace: "N"}}}}, "/q?c=oldold&d=a1b22", "/q?c=newnew&d=aNbN", ""},
	} {
		h, err := newRewriteHandler(&c.cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ex := &Exchange{Meta: map[string]string{}}
		ex.Req.Method = "GET"
		if err := ex.Req.SetURI(c.uri); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := h.rewrite(ex, replacer{ex}); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := ex.Req.URI(); got != c.want {
			t.Errorf("%s: %s -> %s, want %s", c.name, c.uri, got, c.want)
		}
		if c.wantMeth != "" && ex.Req.Method != c.wantMeth {
			t.Errorf("%s: method %s, want %s", c.name, ex.Req.Method, c.wantMeth)
		}
	}
}

// TestRewriteConfigErrors checks the configurations Caddy refuses.
func TestRewriteConfigErrors(t *testing.T) {
	for _, cfg := range []caddyconf.Rewrite{
		{PathRegexp: []caddyconf.RegexReplacer{{Find: ""}}},
		{PathRegexp: []caddyconf.RegexReplacer{{Find: "("}}},
		{Query: &caddyconf.QueryOps{Replace: []caddyconf.QueryReplacement{{Key: "k", SearchRegexp: "["}}}},
	} {
		if err := CheckRewrite(&cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// FuzzRewrite runs random rewrite configurations on random requests: no
// panic, and a rewrite that succeeds leaves a URI the server can send
// (no spaces, controls or fragment).
func FuzzRewrite(f *testing.F) {
	f.Add("/x{http.request.uri.path}?a={query.b}", "/api", ".html", "a", "b", `^/(\d+)`, "/n/$1", "k", "/api/1.html?b=c%20d")
	f.Add("?{http.request.uri.query}&x=1", "", "", "/", "_", "(", "", "*", "/a%2Fb/../c?%zz")
	f.Fuzz(func(t *testing.T, uri, prefix, suffix, find, repl, re, reWith, qkey, target string) {
		cfg := &caddyconf.Rewrite{URI: uri, StripPathPrefix: prefix, StripPathSuffix: suffix,
			URISubstring: []caddyconf.SubstringReplacer{{Find: find, Replace: repl}},
			PathRegexp:   []caddyconf.RegexReplacer{{Find: re, Replace: reWith}},
			Query: &caddyconf.QueryOps{Set: []caddyconf.QueryArg{{Key: qkey, Val: repl}}, Delete: []string{find},
				Replace: []caddyconf.QueryReplacement{{Key: qkey, Search: find, Replace: repl}}}}
		h, err := newRewriteHandler(cfg)
		if err != nil {
			return
		}
		ex := &Exchange{Meta: map[string]string{}}
		ex.Req.Method = "GET"
		if ex.Req.SetURI(target) != nil {
			return
		}
		if h.rewrite(ex, replacer{ex}) != nil {
			return
		}
		if u := ex.Req.URI(); strings.ContainsAny(u, " \r\n\x00#") {
			t.Fatalf("rewritten URI %q", u)
		}
	})
}
