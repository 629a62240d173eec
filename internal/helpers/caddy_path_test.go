package helpers

import (
	"strings"
	"testing"
)

// caddyPathCases are the cases of Caddy's TestPathMatcher
// (modules/caddyhttp/matchers_test.go, v2.11.9) without placeholders:
// patterns, the request's escaped path, and whether Caddy matches.
var caddyPathCases = []struct {
	patterns []string
	path     string
	want     bool
}{
	{[]string{}, "/", false},
	{[]string{"/"}, "/", true},
	{[]string{"/foo/bar"}, "/", false},
	{[]string{"/foo/bar"}, "/foo/bar", true},
	{[]string{"/foo/bar/"}, "/foo/bar", false},
	{[]string{"/foo/bar/"}, "/foo/bar/", true},
	{[]string{"/foo/bar/", "/other"}, "/other/", false},
	{[]string{"/foo/bar/", "/other"}, "/other", true},
	{[]string{"*.ext"}, "/foo/bar.ext", true},
	{[]string{"*.php"}, "/index.PHP", true},
	{[]string{"*.ext"}, "/foo/bar.ext", true},
	{[]string{"/foo/*/baz"}, "/foo/bar/baz", true},
	{[]string{"/foo/*/baz/bam"}, "/foo/bar/bam", false},
	{[]string{"*substring*"}, "/foo/substring/bar.txt", true},
	{[]string{"/foo"}, "/foo/bar", false},
	{[]string{"/foo"}, "/foo/bar", false},
	{[]string{"/foo"}, "/FOO", true},
	{[]string{"/foo*"}, "/FOOOO", true},
	{[]string{"/foo/bar.txt"}, "/foo/BAR.txt", true},
	{[]string{"/foo*"}, "//foo/bar", true},
	{[]string{"/foo"}, "//foo", true},
	{[]string{"//foo"}, "/foo", false},
	{[]string{"//foo"}, "//foo", true},
	{[]string{"/foo//*"}, "/foo//bar", true},
	{[]string{"/foo//*"}, "/foo/%2Fbar", true},
	{[]string{"/foo/%2F*"}, "/foo/%2Fbar", true},
	{[]string{"/foo/%2F*"}, "/foo//bar", false},
	{[]string{"/foo//bar"}, "/foo//bar", true},
	{[]string{"/foo/*//bar"}, "/foo///bar", true},
	{[]string{"/foo/%*//bar"}, "/foo///bar", true},
	{[]string{"/foo/%*//bar"}, "/foo//%2Fbar", true},
	{[]string{"/foo*"}, "/%2F/foo", true},
	{[]string{"*"}, "/", true},
	{[]string{"*"}, "/foo/bar", true},
	{[]string{"**"}, "/", true},
	{[]string{"**"}, "/foo/bar", true},
	{[]string{"/%25@.txt"}, "/%25@.txt", true},
	{[]string{"/%25@.txt"}, "/%25%40.txt", true},
	{[]string{"/%25%40.txt"}, "/%25%40.txt", true},
	{[]string{"/bands/*/*"}, "/bands/AC%2FDC/T.N.T", false},
	{[]string{"/bands/%*/%*"}, "/bands/AC%2FDC/T.N.T", true},
	{[]string{"/bands/%*/%*"}, "/bands/AC/DC/T.N.T", false},
	{[]string{"/bands/%*"}, "/bands/AC/DC", false},
	{[]string{"/bands/%*"}, "/bands/AC%2FDC", true},
	{[]string{"/bands/*"}, "/bands/AC%2FDC", true},
	{[]string{"/bands/%*/"}, "/bands/AC%2FDC/", true},
	{[]string{"/bands/*/"}, "/bands/AC%2FDC/", false},
	{[]string{"/foo%2fbar/baz"}, "/foo%2Fbar/baz", true},
	{[]string{"/foo%2fbar/baz"}, "/foo/bar/baz", false},
	{[]string{"/foo/bar/baz"}, "/foo%2fbar/baz", true},
	{[]string{"/admin%2fpanel"}, "/ADMIN%2fpanel", true},
	{[]string{"/admin%2fpa*el"}, "/ADMIN%2fPaAzZLm123NEL", true},
	{[]string{"/foo%2fbar"}, "/foo%2fbarbaz", false},
	{[]string{"/foo%2f"}, "/foo%2fx", false},
	{[]string{"/admin%2fpanel"}, "/admin%2fpanelX", false},
}

// TestMatchPathCaddyCases checks matchPath against Caddy's own table.
func TestMatchPathCaddyCases(t *testing.T) {
	for _, tc := range caddyPathCases {
		lower := make([]string, len(tc.patterns))
		for i, p := range tc.patterns {
			lower[i] = strings.ToLower(p)
		}
		if got := matchPath(lower, tc.path, replacer{&Exchange{}}); got != tc.want {
			t.Errorf("path %q, patterns %q: got %v, want %v", tc.path, tc.patterns, got, tc.want)
		}
	}
	t.Logf("Caddy path matcher cases: %d agree", len(caddyPathCases))
}
