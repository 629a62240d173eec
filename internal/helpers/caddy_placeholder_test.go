package helpers

import "testing"

// TestReplacer checks placeholder expansion against the rules of Caddy's
// Replacer.replace: escaped braces are literal, an unclosed brace is
// literal, ReplaceKnown keeps unknown keys and ReplaceAll drops them.
func TestReplacer(t *testing.T) {
	ex := &Exchange{}
	ex.Req = Request{Method: "GET", Path: "/a%20b", RawQuery: "x=1&y=a+b", Peer: "[2001:db8::1]:4000",
		Header: []Field{{"Host", "Example.com:8443"}, {"X-A", "1"}, {"x-a", "2"}}}
	ex.caddy.setVar("n", 3.5)
	r := replacer{ex}
	for _, tc := range []struct{ in, known, all string }{
		{"{http.request.method} {http.request.host} {http.request.port}", "GET Example.com 8443", "GET Example.com 8443"},
		{"{http.request.uri} {http.request.uri.path}", "/a%20b?x=1&y=a+b /a b", "/a%20b?x=1&y=a+b /a b"},
		{"{http.request.header.X-A}|{http.request.header.host}", "1,2|", "1,2|"},
		{"{http.request.uri.query.y} {http.request.remote.host}", "a b 2001:db8::1", "a b 2001:db8::1"},
		{"{http.vars.n}{http.vars.missing}", "3.5", "3.5"},
		{"{nope} x", "{nope} x", " x"},
		{`\{http.request.method\} {`, "{http.request.method} {", "{http.request.method} {"},
		{"{http.regexp.1}", "{http.regexp.1}", ""},
	} {
		if got := r.replaceKnown(tc.in); got != tc.known {
			t.Errorf("replaceKnown(%q) = %q, want %q", tc.in, got, tc.known)
		}
		if got := r.replaceAll(tc.in); got != tc.all {
			t.Errorf("replaceAll(%q) = %q, want %q", tc.in, got, tc.all)
		}
	}
	for key, want := range map[string]PlaceholderKind{
		"http.request.host": PlaceholderSupported, "http.request.header.X": PlaceholderSupported,
		"http.request.cookie.a": PlaceholderSupported, "time.now": PlaceholderSupported,
		"env.HOME": PlaceholderSupported, "host": PlaceholderUnknown, "3": PlaceholderUnknown,
		"time.later": PlaceholderUnknown, "system.cpu": PlaceholderUnknown, "file./etc/x": PlaceholderSupported,
		"http.request.tls.version": PlaceholderUnsupported, "http.request.body": PlaceholderUnsupported,
		"http.request.remote.host/24": PlaceholderSupported, "http.matchers.file.relative": PlaceholderSupported,
	} {
		if got := CaddyPlaceholder(key); got != want {
			t.Errorf("CaddyPlaceholder(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestBuildQueryString checks Caddy's rewrite query builder: values are
// query-escaped, unknown placeholders become "%3Cnil%3E".
func TestBuildQueryString(t *testing.T) {
	ex := &Exchange{}
	ex.Req = Request{Method: "GET", Path: "/p", RawQuery: "a=1&b=2"}
	r := replacer{ex}
	for in, want := range map[string]string{
		"from=old":                          "from=old",
		"p={http.request.uri.path}":         "p=%2Fp",
		"{http.request.uri.query}&x=y":      "a=1&b=2&x=y",
		"u={unknown}":                       "u=%3Cnil%3E",
		"sig=abc==&m={http.request.method}": "sig=abc==&m=GET",
	} {
		if got := buildQueryString(in, r); got != want {
			t.Errorf("buildQueryString(%q) = %q, want %q", in, got, want)
		}
	}
}
