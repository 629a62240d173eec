package static

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var mtime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// tarOf builds a tarball of name → content ("/"-suffixed names are
// directories).
func tarOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := 0; i < len(files); i += 2 {
		name, body := files[i], files[i+1]
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: mtime, Typeflag: tar.TypeReg}
		if strings.HasSuffix(name, "/") {
			hdr.Typeflag, hdr.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, body)
	}
	tw.Close()
	return b.Bytes()
}

func testSite(t testing.TB) *Site {
	t.Helper()
	data := tarOf(t,
		"./index.html", "<h1>home</h1>",
		"about.html", "about page",
		"docs/", "",
		"docs/index.html", "docs index",
		"docs/a.txt", "0123456789",
		"blob.bin", "binary",
		"empty.txt", "",
		".zeroserve/scripts/x.o", "secret",
	)
	src, err := IndexTar(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return &Site{Source: src}
}

// body reads a response's body.
func body(t testing.TB, res *Response) string {
	t.Helper()
	var b strings.Builder
	for _, p := range res.Parts {
		if p.Data != nil {
			b.Write(p.Data)
			continue
		}
		buf := make([]byte, p.Len)
		if p.Len == 0 {
			continue
		}
		if _, err := res.File.ReadAt(buf, p.Off); err != nil {
			t.Fatal(err)
		}
		b.Write(buf)
	}
	return b.String()
}

func get(method string, hdr ...string) Request {
	return Request{Method: method, Header: func(name string) string {
		for i := 0; i < len(hdr); i += 2 {
			if strings.EqualFold(hdr[i], name) {
				return hdr[i+1]
			}
		}
		return ""
	}}
}

func TestSiteLookup(t *testing.T) {
	s := testSite(t)
	s.TryHTML = true
	etag := func(name string) string { in, _ := s.Source.Stat(name); return in.ETag }
	for _, c := range []struct {
		path, method string
		status       int
		body, ctype  string
	}{
		{"/", "GET", 200, "<h1>home</h1>", "text/html; charset=utf-8"},
		{"/index.html", "GET", 200, "<h1>home</h1>", "text/html; charset=utf-8"},
		{"/docs", "GET", 200, "docs index", "text/html; charset=utf-8"},
		{"/docs/", "GET", 200, "docs index", "text/html; charset=utf-8"},
		{"/docs/a.txt", "GET", 200, "0123456789", "text/plain; charset=utf-8"},
		{"/docs/./x/../a.txt", "GET", 200, "0123456789", "text/plain; charset=utf-8"},
		{"/docs/%61.txt", "GET", 200, "0123456789", "text/plain; charset=utf-8"},
		{"/about", "GET", 200, "about page", "text/html; charset=utf-8"},
		{"/blob.bin", "GET", 200, "binary", "application/octet-stream"},
		{"/empty.txt", "GET", 200, "", "text/plain; charset=utf-8"},
		{"/missing", "GET", 404, "404 page not found\n", "text/plain; charset=utf-8"},
		{"/.zeroserve/scripts/x.o", "GET", 404, "404 page not found\n", "text/plain; charset=utf-8"},
		{"/.zeroserve", "GET", 404, "404 page not found\n", "text/plain; charset=utf-8"},
		{"/../etc/passwd", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/docs/..%2fa.txt", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/docs%2fa.txt", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/a%00b", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/a%zz", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/a%ff", "GET", 400, "400 Bad Request\n", "text/plain; charset=utf-8"},
		{"/about.html", "POST", 405, "405 method not allowed\n", "text/plain; charset=utf-8"},
	} {
		res := s.Serve(get(c.method), c.path)
		if res.Status != c.status || body(t, res) != c.body || res.Get("Content-Type") != c.ctype {
			t.Errorf("%s %s: got %d %q %q, want %d %q %q", c.method, c.path, res.Status, body(t, res), res.Get("Content-Type"), c.status, c.body, c.ctype)
		}
		if c.status == 200 && res.Get("Etag") == "" {
			t.Errorf("%s: no ETag", c.path)
		}
	}
	if s.TryHTML = false; s.Serve(get("GET"), "/about").Status != 404 {
		t.Errorf("/about without TryHTML: not 404")
	}
	if e := etag("docs/a.txt"); len(e) != 34 || e[0] != '"' {
		t.Errorf("tar ETag %q: want 32 hex digits, quoted", e)
	}
	s.Index = "a.txt"
	if res := s.Serve(get("GET"), "/docs/"); body(t, res) != "0123456789" {
		t.Errorf("Index a.txt: got %q", body(t, res))
	}
}

// TestServeContentMatchesNetHTTP checks status, body and the headers that
// matter against net/http.ServeContent, the code Caddy's file_server uses.
func TestServeContentMatchesNetHTTP(t *testing.T) {
	const content = "0123456789abcdefghij"
	const etag = `"v1"`
	lm := mtime.Format(http.TimeFormat)
	before := mtime.Add(-time.Hour).Format(http.TimeFormat)
	after := mtime.Add(time.Hour).Format(http.TimeFormat)
	cases := [][]string{
		{"GET"},
		{"HEAD"},
		{"GET", "If-None-Match", etag},
		{"GET", "If-None-Match", `W/"v1"`},
		{"GET", "If-None-Match", `"x", "v1"`},
		{"GET", "If-None-Match", `*`},
		{"GET", "If-None-Match", `"other"`},
		{"POST", "If-None-Match", etag},
		{"GET", "If-Modified-Since", lm},
		{"GET", "If-Modified-Since", after},
		{"GET", "If-Modified-Since", before},
		{"GET", "If-Modified-Since", "garbage"},
		{"GET", "If-None-Match", `"other"`, "If-Modified-Since", after},
		{"GET", "If-Match", etag},
		{"GET", "If-Match", `"other"`},
		{"GET", "If-Match", `W/"v1"`},
		{"GET", "If-Match", `*`},
		{"PUT", "If-Match", `"other"`},
		{"GET", "If-Unmodified-Since", before},
		{"GET", "If-Unmodified-Since", after},
		{"GET", "Range", "bytes=0-4"},
		{"GET", "Range", "bytes=5-"},
		{"GET", "Range", "bytes=-3"},
		{"GET", "Range", "bytes=-100"},
		{"GET", "Range", "bytes=15-100"},
		{"GET", "Range", "bytes=20-"},
		{"GET", "Range", "bytes=100-200"},
		{"GET", "Range", "bytes=5-2"},
		{"GET", "Range", "items=0-1"},
		{"GET", "Range", "bytes=x-1"},
		{"GET", "Range", "bytes=0-1,5-6"},
		{"GET", "Range", "bytes=0-15,5-19"},
		{"GET", "Range", "bytes=0-1", "If-Range", etag},
		{"GET", "Range", "bytes=0-1", "If-Range", `"other"`},
		{"GET", "Range", "bytes=0-1", "If-Range", lm},
		{"GET", "Range", "bytes=0-1", "If-Range", before},
		{"HEAD", "Range", "bytes=0-1"},
		{"POST", "Range", "bytes=0-1", "If-Range", `"other"`},
	}
	for _, c := range cases {
		name := strings.Join(c, " ")
		hr := httptest.NewRequest(c[0], "/f.txt", nil)
		for i := 1; i < len(c); i += 2 {
			hr.Header.Set(c[i], c[i+1])
		}
		rec := httptest.NewRecorder()
		rec.Header().Set("Etag", etag)
		rec.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.ServeContent(rec, hr, "f.txt", mtime, strings.NewReader(content))

		res := &Response{Status: 200, Header: []Field{{"Etag", etag}, {"Content-Type", "text/plain; charset=utf-8"}}}
		ServeContent(get(c[0], c[1:]...), res, Content{Size: int64(len(content)), ModTime: mtime, File: readerFile{strings.NewReader(content)}})
		got := body(t, res)
		if c[0] == "HEAD" {
			got = ""
		}
		want := rec.Body.String()
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "multipart/") {
			// Boundaries are random: compare with ours swapped in.
			wb := strings.TrimPrefix(rec.Header().Get("Content-Type"), "multipart/byteranges; boundary=")
			gb := strings.TrimPrefix(res.Get("Content-Type"), "multipart/byteranges; boundary=")
			want = strings.ReplaceAll(want, wb, gb)
		}
		if res.Status != rec.Code || got != want {
			t.Errorf("%s: got %d %q, want %d %q", name, res.Status, got, rec.Code, want)
		}
		for _, h := range []string{"Etag", "Last-Modified", "Content-Range", "Accept-Ranges", "X-Content-Type-Options"} {
			if g, w := res.Get(h), rec.Header().Get(h); g != w {
				t.Errorf("%s: %s %q, want %q", name, h, g, w)
			}
		}
		if g, w := res.Has("Content-Type"), rec.Header().Get("Content-Type") != ""; g != w {
			t.Errorf("%s: Content-Type present %v, want %v", name, g, w)
		}
		if rec.Code == 200 || rec.Code == 206 {
			if cl := rec.Header().Get("Content-Length"); cl != "" && cl != strconv.FormatInt(res.Length(), 10) {
				t.Errorf("%s: length %d, want %s", name, res.Length(), cl)
			}
		}
	}
}

// readerFile adapts a strings.Reader to File.
type readerFile struct{ *strings.Reader }

func (readerFile) Close() error { return nil }

func TestServeContentEmptyFileRange(t *testing.T) {
	res := &Response{Status: 200}
	ServeContent(get("GET", "Range", "bytes=5-"), res, Content{File: readerFile{strings.NewReader("")}})
	if res.Status != 200 || res.Length() != 0 {
		t.Errorf("empty file with Range: %d, %d bytes; want 200, 0", res.Status, res.Length())
	}
}

func TestDirConfinement(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("no"), 0o644)
	os.WriteFile(filepath.Join(root, "ok.txt"), []byte("yes"), 0o644)
	os.Mkdir(filepath.Join(root, "sub"), 0o755)
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "escape"))
	os.Symlink("ok.txt", filepath.Join(root, "inside"))
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Stat("escape"); err == nil {
		t.Errorf("a link out of the root was followed")
	}
	if _, err := d.Open("escape"); err == nil {
		t.Errorf("a link out of the root opened")
	}
	if in, err := d.Stat("inside"); err != nil || in.Size != 3 {
		t.Errorf("link inside the root: %+v %v", in, err)
	}
	if _, err := d.Open("sub"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(dir): %v, want ErrNotRegular", err)
	}
	if _, err := d.Stat("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(missing): %v", err)
	}
	in, _ := d.Stat("ok.txt")
	fi, _ := os.Stat(filepath.Join(root, "ok.txt"))
	if want := ModTimeETag(fi.ModTime(), 3); in.ETag != want || !strings.Contains(want, "-3\"") {
		t.Errorf("ETag %q, want %q", in.ETag, want)
	}
}

func TestModTimeETag(t *testing.T) {
	if e := ModTimeETag(time.Unix(1, 0), 5); e != "" {
		t.Errorf("Unix time 1: %q, want none", e)
	}
	// Caddy: base 36 of UnixNano, '-', base 36 of the size.
	if e := ModTimeETag(time.Unix(0, 36*36*36*36*36*36*36), 37); e != `"10000000-11"` {
		t.Errorf("got %q", e)
	}
}

func TestIndexTarErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"no files":      tarOf(t, "d/", ""),
		"dot dot":       tarOf(t, "../x", "a"),
		"not a tar":     []byte(strings.Repeat("x", 1024)),
		"file then dir": tarOf(t, "a", "1", "a/b", "2"),
		"dir then file": tarOf(t, "a/b", "2", "a", "1"),
	} {
		if _, err := IndexTar(bytes.NewReader(data), int64(len(data))); err == nil {
			t.Errorf("%s: indexed", name)
		}
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "l", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"})
	tw.Close()
	if _, err := IndexTar(bytes.NewReader(b.Bytes()), int64(b.Len())); err == nil || !strings.Contains(err.Error(), "unsupported tar entry") {
		t.Errorf("symlink entry: %v", err)
	}
}
