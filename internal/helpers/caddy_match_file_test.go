package helpers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestFileMatcher checks the file matcher against a directory, with the
// rules of Caddy's fileserver.MatchFile (matcher.go and matcher_test.go):
// try_files in order, a name ending in "/" only matching a directory and
// any other only a file, paths confined to root, split_path, the try
// policies, "=<status>" entries and the placeholders it sets.
func TestFileMatcher(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "home", "a.html": "aaaa", "big.txt": "0123456789", "small.txt": "1",
		"docs/index.html": "docs", "app/index.php": "php", "app/sub/x.php": "php", "glob*name": "g",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(root, "big.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	type want struct {
		ok                       bool
		relative, typ, remainder string
		errStatus                int
	}
	for _, tc := range []struct {
		name string
		m    caddyconf.MatchFile
		path string
		want want
	}{
		{"exists", caddyconf.MatchFile{Root: root}, "/a.html", want{ok: true, relative: "/a.html", typ: "file"}},
		{"missing", caddyconf.MatchFile{Root: root}, "/nope", want{}},
		{"dir without slash pattern", caddyconf.MatchFile{Root: root}, "/docs", want{}},
		{"dir with slash pattern", caddyconf.MatchFile{Root: root, TryFiles: []string{"{http.request.uri.path}/"}}, "/docs",
			want{ok: true, relative: "/docs/", typ: "directory"}},
		{"slash path, pattern without", caddyconf.MatchFile{Root: root}, "/docs/", want{}},
		{"try in order", caddyconf.MatchFile{Root: root, TryFiles: []string{"{http.request.uri.path}", "{http.request.uri.path}.html", "/index.html"}},
			"/a", want{ok: true, relative: "/a.html", typ: "file"}},
		{"fallback to index", caddyconf.MatchFile{Root: root, TryFiles: []string{"{http.request.uri.path}", "/index.html"}},
			"/zzz", want{ok: true, relative: "/index.html", typ: "file"}},
		{"confined to root", caddyconf.MatchFile{Root: root + "/docs", TryFiles: []string{"/../a.html"}}, "/", want{}},
		{"glob chars in the path are literal", caddyconf.MatchFile{Root: root}, "/glob*name", want{ok: true, relative: "/glob*name", typ: "file"}},
		{"glob chars in the path do not glob", caddyconf.MatchFile{Root: root}, "/*.html", want{}},
		{"glob in the pattern", caddyconf.MatchFile{Root: root, TryFiles: []string{"/b*.txt"}}, "/", want{ok: true, relative: "/big.txt", typ: "file"}},
		{"split_path", caddyconf.MatchFile{Root: root + "/app", SplitPath: []string{".php"}}, "/index.php/extra/x",
			want{ok: true, relative: "/index.php", typ: "file", remainder: "/extra/x"}},
		{"split_path case-insensitive", caddyconf.MatchFile{Root: root + "/app", SplitPath: []string{".PHP"}}, "/sub/x.php/y",
			want{ok: true, relative: "/sub/x.php", typ: "file", remainder: "/y"}},
		{"split_path needs a boundary", caddyconf.MatchFile{Root: root + "/app", SplitPath: []string{".php"}}, "/index.phpx", want{}},
		{"largest_size", caddyconf.MatchFile{Root: root, TryFiles: []string{"/small.txt", "/big.txt", "/a.html"}, TryPolicy: "largest_size"},
			"/", want{ok: true, relative: "/big.txt", typ: "file"}},
		{"smallest_size", caddyconf.MatchFile{Root: root, TryFiles: []string{"/big.txt", "/small.txt", "/nope"}, TryPolicy: "smallest_size"},
			"/", want{ok: true, relative: "/small.txt", typ: "file"}},
		{"most_recently_modified", caddyconf.MatchFile{Root: root, TryFiles: []string{"/big.txt", "/small.txt"}, TryPolicy: "most_recently_modified"},
			"/", want{ok: true, relative: "/small.txt", typ: "file"}},
		{"first_exist_fallback", caddyconf.MatchFile{Root: root, TryFiles: []string{"/none", "/last"}, TryPolicy: "first_exist_fallback"},
			"/", want{ok: true, relative: "/last", typ: "file"}},
		{"status entry", caddyconf.MatchFile{Root: root, TryFiles: []string{"{http.request.uri.path}", "=404"}}, "/nope", want{errStatus: 404}},
		{"status entry after a match", caddyconf.MatchFile{Root: root, TryFiles: []string{"{http.request.uri.path}", "=404"}}, "/a.html",
			want{ok: true, relative: "/a.html", typ: "file"}},
		{"root from vars", caddyconf.MatchFile{TryFiles: []string{"/a.html"}}, "/", want{ok: true, relative: "/a.html", typ: "file"}},
	} {
		ex := &Exchange{}
		ex.Req = Request{Method: "GET", Path: tc.path}
		ex.caddy.setVar("root", root)
		m, err := newFileMatcher(&tc.m)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		ok, err := m.match(ex, replacer{ex})
		if tc.want.errStatus != 0 {
			if se, isSE := err.(*statusError); !isSE || se.status != tc.want.errStatus {
				t.Errorf("%s: got %v, %v; want error status %d", tc.name, ok, err, tc.want.errStatus)
			}
			continue
		}
		if err != nil || ok != tc.want.ok {
			t.Errorf("%s: got %v, %v; want %v", tc.name, ok, err, tc.want.ok)
			continue
		}
		if !ok {
			continue
		}
		r := replacer{ex}
		rel, _ := r.get("http.matchers.file.relative")
		typ, _ := r.get("http.matchers.file.type")
		rem, _ := r.get("http.matchers.file.remainder")
		abs, _ := r.get("http.matchers.file.absolute")
		if rel != tc.want.relative || typ != tc.want.typ || rem != tc.want.remainder || !strings.HasSuffix(abs, rel) || !strings.HasPrefix(abs, root) {
			t.Errorf("%s: relative %q type %q remainder %q absolute %q; want %q %q %q under %s", tc.name, rel, typ, rem, abs,
				tc.want.relative, tc.want.typ, tc.want.remainder, root)
		}
	}
	if _, err := newFileMatcher(&caddyconf.MatchFile{TryPolicy: "biggest"}); err == nil {
		t.Error("unknown try policy accepted")
	}
}

// TestHostMatcherChecks checks what Caddy's MatchHost.Provision rejects:
// a repeated host (case-insensitive); and the IDNA names not implemented.
func TestHostMatcherChecks(t *testing.T) {
	for _, hosts := range [][]string{{"a.example", "A.example"}, {"bücher.example"}} {
		if _, err := newMatchSet(&wireMatchSet{MatcherSet: caddyconf.MatcherSet{Host: hosts}}); err == nil {
			t.Errorf("host %q accepted", hosts)
		}
	}
	if _, err := newMatchSet(&wireMatchSet{MatcherSet: caddyconf.MatcherSet{Host: []string{"a.example", "*.example", "{env.X}"}}}); err != nil {
		t.Error(err)
	}
}
