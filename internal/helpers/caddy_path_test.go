package helpers

import (
	"path"
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
		lower := make([]pathPattern, len(tc.patterns))
		for i, p := range tc.patterns {
			lower[i] = newPathPattern(strings.ToLower(p))
		}
		if got := matchPath(lower, tc.path, replacer{&Exchange{}}); got != tc.want {
			t.Errorf("path %q, patterns %q: got %v, want %v", tc.path, tc.patterns, got, tc.want)
		}
	}
	t.Logf("Caddy path matcher cases: %d agree", len(caddyPathCases))
}

// refCleanPathMerge is cleanPathMerge without its fast path for clean
// paths: the definition the fast path must agree with.
func refCleanPathMerge(p string, mergeSlashes bool) string {
	clean := func(p string) string {
		c := path.Clean(p)
		if c != "/" && strings.HasSuffix(p, "/") {
			c += "/"
		}
		return c
	}
	if mergeSlashes {
		return clean(p)
	}
	var sb strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			sb.WriteString("\xff")
		}
		sb.WriteByte(p[i])
	}
	return strings.ReplaceAll(clean(sb.String()), "\xff", "")
}

// cleanPathSeeds are paths at the edges of isCleanPath.
var cleanPathSeeds = []string{"", "/", "//", "/a", "/a/", "/a//", "/a/.", "/a/./b", "/a/..", "/a/../b", "/.a", "/..a/", "/a.", "a/b", "*", "/a/\xff", "/\xff//b", "/.../", "/a/b/.."}

// TestCleanPathFast checks that cleanPath and cleanPathMerge, with their
// fast path for clean paths, agree with the definition.
func TestCleanPathFast(t *testing.T) {
	for _, p := range cleanPathSeeds {
		checkCleanPath(t, p)
	}
}

// FuzzCleanPath checks cleanPath and cleanPathMerge against the
// definition on any path.
func FuzzCleanPath(f *testing.F) {
	for _, p := range cleanPathSeeds {
		f.Add(p)
	}
	f.Fuzz(checkCleanPath)
}

func checkCleanPath(t *testing.T, p string) {
	for _, merge := range []bool{false, true} {
		if got, want := cleanPathMerge(p, merge), refCleanPathMerge(p, merge); got != want {
			t.Fatalf("cleanPathMerge(%q, %v) = %q, want %q", p, merge, got, want)
		}
	}
	if got, want := cleanPath(p), refCleanPathMerge(p, true); got != want {
		t.Fatalf("cleanPath(%q) = %q, want %q", p, got, want)
	}
	if isCleanPath(p) && refCleanPathMerge(p, true) != p {
		t.Fatalf("isCleanPath(%q) but cleaning changes it", p)
	}
}
