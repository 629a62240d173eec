package helpers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileHidden(t *testing.T) {
	for _, c := range []struct {
		name string
		hide []string
		want bool
	}{
		{"secret.txt", []string{"secret.txt"}, true},
		{"a/secret.txt", []string{"secret.txt"}, true},
		{"secrets.txt", []string{"secret.txt"}, false},
		{"x.bak", []string{"*.bak"}, true},
		{"priv/a", []string{"/srv/priv"}, true},
		{"private", []string{"/srv/priv"}, false},
		{"a.txt", nil, false},
	} {
		if got := fileHidden("/srv", c.name, c.hide); got != c.want {
			t.Errorf("%s %v: %v", c.name, c.hide, got)
		}
	}
}

// TestFileServerServe runs the handler on exchanges: a file, an index with
// its canonical redirect, 404 and pass_thru, 405, a status override.
func TestFileServerServe(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "d"), 0o755)
	os.WriteFile(filepath.Join(root, "a.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(root, "d", "index.html"), []byte("idx"), 0o644)
	fsrv, err := newFileServer(&CaddyFileServer{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	f := fsrv.(*CaddyFileServer)
	serve := func(method, path string) *Exchange {
		ex := &Exchange{Meta: map[string]string{}}
		ex.Req.Method, ex.Req.Path = method, path
		f.serve(ex, replacer{ex})
		return ex
	}
	if ex := serve("GET", "/a.txt"); ex.Action != ActionFile || ex.File.Status != 200 || ex.File.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.HasSuffix(ex.File.Get("Etag"), `-5"`) {
		t.Errorf("/a.txt: %v %+v", ex.Action, ex.File)
	} else {
		ex.File.Close()
	}
	if ex := serve("GET", "/d"); ex.Action != ActionRespond || ex.Response.Status != 308 || firstValue(ex.ResponseHeader, "Location") != "/d/" {
		t.Errorf("/d: %v %d %v", ex.Action, ex.Response.Status, ex.ResponseHeader)
	}
	if ex := serve("GET", "/nope"); ex.Action != ActionNone || ex.caddy.raised == nil || ex.caddy.raised.status != 404 {
		t.Errorf("/nope: %v %v", ex.Action, ex.caddy.raised)
	}
	if ex := serve("PUT", "/a.txt"); ex.caddy.raised == nil || ex.caddy.raised.status != 405 || firstValue(ex.ResponseHeader, "Allow") != "GET, HEAD" {
		t.Errorf("PUT: %v %v", ex.caddy.raised, ex.ResponseHeader)
	}
	f.PassThru = true
	if r := f.serve(&Exchange{Req: Request{Method: "GET", Path: "/nope"}}, replacer{}); r != filePassThru {
		t.Errorf("pass_thru: %d", r)
	}
	f.StatusCode = "299"
	if ex := serve("GET", "/a.txt"); ex.File == nil || ex.File.Status != 299 {
		t.Errorf("status override: %+v", ex.File)
	} else {
		ex.File.Close()
	}
	if _, err := newFileServer(&CaddyFileServer{Precompressed: map[string]struct{}{"lz4": {}}}); err == nil {
		t.Error("unknown precompressed encoding accepted")
	}
}
