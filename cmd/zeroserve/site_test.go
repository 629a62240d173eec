package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// siteTree writes a site directory: pages, a text file, a binary file and
// a script that sets a response header and serves /docs/a.txt with
// zs_file_server for /fsx.
func siteTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html":                 "<h1>home</h1>",
		"about.html":                 "about page",
		"hello.html":                 "<p>hi <zs-meta> zs.response.header.x-site </zs-meta><zs-meta>nope</zs-meta></p>",
		"docs/index.html":            "docs index",
		"docs/a.txt":                 "0123456789",
		"img/logo.png":               "\x89PNG fake",
		"data.bin":                   "\x00\x01\x02",
		"data/x.json":                `{"k":"value"}`,
		".zeroserve/scripts/10-fs.c": fsScript,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const fsScript = `#include "zeroserve.h"
ZS_ENTRY zs_u64 entry(void) {
  char p[64];
  zs_s64 n = zs_req_path(p, sizeof p);
  zs_meta_set(ZS_STR("zs.response.header.x-site"), ZS_STR("yes"));
  if (n == 4 && p[1] == 'f' && p[2] == 's' && p[3] == 'x') {
    zs_req_set_uri(ZS_STR("/docs/a.txt"));
    if (zs_file_server(ZS_STR("{}")) != 0) zs_respond(500, "fs", 2);
  } else if (n == 5 && p[1] == 'm' && p[2] == 'i' && p[3] == 's' && p[4] == 's') {
    char st[8];
    if (zs_file_server(ZS_STR("{}")) == 2) {
      zs_s64 m = zs_meta_get(ZS_STR("http.error.status_code"), st, sizeof st);
      zs_respond(299, st, m);
    }
  } else if (n == 5 && p[1] == 'm' && p[2] == 'e' && p[3] == 't' && p[4] == 'a') {
    zs_s64 h = zs_load_file_metadata(ZS_STR("data/x.json"));
    zs_s64 bad = zs_load_file_metadata(ZS_STR("/data/x.json"));
    char et[40], out[4];
    zs_u64 size = 0; /* unsigned: clang 14's BPF backend has no signed division */
    zs_s64 el = zs_json_read_string(zs_json_get(h, ZS_STR("etag")), et, sizeof et);
    zs_json_read_i64(zs_json_get(h, ZS_STR("size")), (zs_s64 *)&size, 8);
    out[0] = '0' + size / 10;
    out[1] = '0' + size % 10;
    out[2] = el == 32 ? 'y' : 'n';
    out[3] = bad == -1 ? 'y' : 'n';
    zs_respond(200, out, 4);
  } else if (n == 5 && p[1] == 'j' && p[2] == 's' && p[3] == 'o' && p[4] == 'n') {
    char out[16];
    zs_s64 h = zs_load_static_json(ZS_STR("data/x.json"));
    zs_s64 l = zs_json_read_string(zs_json_get(h, ZS_STR("k")), out, sizeof out);
    if (zs_load_static_json(ZS_STR("data.bin")) == -1 && l > 0 && l < 16) zs_respond(200, out, l);
  }
  return 0;
}
`

// packSite runs the real binary's --pack on dir and returns the tarball.
func packSite(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command(binary(t), "--pack", dir).Output()
	if err != nil {
		t.Fatalf("--pack: %v", err)
	}
	p := filepath.Join(t.TempDir(), "site.tar")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func needClang(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
}

// TestPackRoundTrip: --pack is deterministic, holds every file (the
// script compiled to .o) and nothing else.
func TestPackRoundTrip(t *testing.T) {
	needClang(t)
	dir := siteTree(t)
	a, b := packSite(t, dir), packSite(t, dir)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Fatal("two --pack runs differ")
	}
	tr := tar.NewReader(bytes.NewReader(da))
	var names []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
		if hdr.Typeflag == tar.TypeReg && !strings.HasSuffix(hdr.Name, ".o") {
			want, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(hdr.Name)))
			got, _ := io.ReadAll(tr)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %q, want %q", hdr.Name, got, want)
			}
		}
	}
	want := ".zeroserve/ .zeroserve/scripts/ .zeroserve/scripts/10-fs.o about.html data.bin data/ data/x.json docs/ docs/a.txt docs/index.html hello.html img/ img/logo.png index.html"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries %s\nwant    %s", got, want)
	}
	if code := run([]string{"--pack"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("--pack without DIR: exit %d, want 2", code)
	}
}

// rawGet sends target as is (no client-side cleaning) and returns the
// status code.
func rawGet(t *testing.T, addr, target string) int {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeSiteTarball serves a packed site through the real binary on
// both I/O backends: index, --try-html, MIME types, ETag/304, ranges,
// hidden scripts, bad paths, and zs_file_server from the site's script.
func TestServeSiteTarball(t *testing.T) {
	needClang(t)
	site := packSite(t, siteTree(t))
	client := &http.Client{Timeout: 20 * time.Second}
	for _, ioMode := range []string{"uring", "epoll"} {
		t.Run(ioMode, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", ioMode, "--try-html", site)
			get := func(path string, hdr ...string) (*http.Response, string) {
				req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
				for i := 0; i < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp, string(b)
			}
			for _, c := range []struct {
				path, body, ctype string
				status            int
			}{
				{"/", "<h1>home</h1>", "text/html; charset=utf-8", 200},
				{"/docs/", "docs index", "text/html; charset=utf-8", 200},
				{"/docs", "docs index", "text/html; charset=utf-8", 200},
				{"/about", "about page", "text/html; charset=utf-8", 200},
				{"/hello.html", "<p>hi yes</p>", "text/html; charset=utf-8", 200},
				{"/docs/a.txt", "0123456789", "text/plain; charset=utf-8", 200},
				{"/img/logo.png", "\x89PNG fake", "image/png", 200},
				{"/data.bin", "\x00\x01\x02", "application/octet-stream", 200},
				{"/fsx", "0123456789", "text/plain; charset=utf-8", 200},
				{"/miss", "404", "", 299},
				{"/meta", "13yy", "", 200},
				{"/json", "value", "", 200},
				{"/nope", "404 page not found\n", "text/plain; charset=utf-8", 404},
				{"/.zeroserve/scripts/10-fs.o", "404 page not found\n", "text/plain; charset=utf-8", 404},
			} {
				resp, body := get(c.path)
				if resp.StatusCode != c.status || body != c.body || resp.Header.Get("Content-Type") != c.ctype {
					t.Errorf("%s: %d %q %q, want %d %q %q", c.path, resp.StatusCode, body, resp.Header.Get("Content-Type"), c.status, c.body, c.ctype)
				}
			}
			if resp, _ := get("/fsx"); resp.Header.Get("X-Site") != "yes" || resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("zs_file_server response header: %v", resp.Header)
			}
			if resp, _ := get("/about"); resp.Header.Get("X-Site") != "yes" {
				t.Errorf("site file: no zs.response.header.x-site: %v", resp.Header)
			}
			resp, _ := get("/docs/a.txt")
			etag := resp.Header.Get("Etag")
			if len(etag) != 34 || resp.Header.Get("Last-Modified") == "" || resp.Header.Get("Accept-Ranges") != "bytes" {
				t.Errorf("validators: %v", resp.Header)
			}
			if resp, body := get("/docs/a.txt", "If-None-Match", etag); resp.StatusCode != 304 || body != "" || resp.Header.Get("Etag") != etag {
				t.Errorf("If-None-Match: %d %q %v", resp.StatusCode, body, resp.Header)
			}
			if resp, _ := get("/docs/a.txt", "If-Match", `"nope"`); resp.StatusCode != 412 {
				t.Errorf("If-Match: %d, want 412", resp.StatusCode)
			}
			if resp, body := get("/docs/a.txt", "Range", "bytes=2-4"); resp.StatusCode != 206 || body != "234" || resp.Header.Get("Content-Range") != "bytes 2-4/10" {
				t.Errorf("Range: %d %q %v", resp.StatusCode, body, resp.Header)
			}
			if resp, _ := get("/docs/a.txt", "Range", "bytes=50-"); resp.StatusCode != 416 || resp.Header.Get("Content-Range") != "bytes */10" {
				t.Errorf("Range past the end: %d %v", resp.StatusCode, resp.Header)
			}
			for _, target := range []string{"/../etc/passwd", "/docs/%2e%2e/%2e%2e/x", "/docs%2fa.txt", "/a%00"} {
				if code := rawGet(t, addr, target); code != 400 {
					t.Errorf("%s: %d, want 400", target, code)
				}
			}
			log := stop()
			if !strings.Contains(log, `loaded script "10-fs.o"`) || !strings.Contains(log, "entries from") {
				t.Errorf("log:\n%s", log)
			}
		})
	}
}

// TestServeLargeFileFlatRSS: a 100 MiB file of a site tarball is streamed,
// not buffered: the server's peak RSS grows by far less than the file.
func TestServeLargeFileFlatRSS(t *testing.T) {
	const size = 100 << 20
	site := filepath.Join(t.TempDir(), "big.tar")
	f, err := os.Create(site)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	tw.WriteHeader(&tar.Header{Name: "big.bin", Mode: 0o644, Size: size, ModTime: time.Unix(1700000000, 0)})
	block := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	sum := sha256.New()
	for n := 0; n < size; n += len(block) {
		tw.Write(block)
		sum.Write(block)
	}
	tw.Close()
	f.Close()
	want := fmt.Sprintf("%x", sum.Sum(nil))
	client := &http.Client{Timeout: 120 * time.Second}
	for _, ioMode := range []string{"uring", "epoll"} {
		t.Run(ioMode, func(t *testing.T) {
			addr, pid, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", ioMode, "--threads", "1", site)
			defer stop()
			get := func(rng string) (int, int64, string) {
				req, _ := http.NewRequest("GET", "http://"+addr+"/big.bin", nil)
				if rng != "" {
					req.Header.Set("Range", rng)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				h := sha256.New()
				n, err := io.Copy(h, resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				return resp.StatusCode, n, fmt.Sprintf("%x", h.Sum(nil))
			}
			if code, n, _ := get("bytes=0-99"); code != 206 || n != 100 {
				t.Fatalf("warm-up range: %d, %d bytes", code, n)
			}
			before := vmHWM(t, pid)
			code, n, got := get("")
			after := vmHWM(t, pid)
			if code != 200 || n != size || got != want {
				t.Fatalf("GET: %d, %d bytes, sha256 %s; want 200, %d, %s", code, n, got, size, want)
			}
			t.Logf("peak RSS %d KiB before, %d KiB after a %d MiB response", before, after, size>>20)
			head, err := client.Head("http://" + addr + "/big.bin")
			if err != nil || head.StatusCode != 200 || head.ContentLength != size {
				t.Errorf("HEAD: %v %v", head, err)
			}
			// Two 100 kB ranges, one past 64 MiB: a streamed multipart body
			// (boundaries in memory, ranges read from the tarball).
			req, _ := http.NewRequest("GET", "http://"+addr+"/big.bin", nil)
			req.Header.Set("Range", "bytes=3-100002,70000000-70099999")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
			mr := multipart.NewReader(resp.Body, params["boundary"])
			var parts []string
			for {
				p, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(p)
				var off int
				fmt.Sscanf(p.Header.Get("Content-Range"), "bytes %d-", &off)
				ok := len(b) == 100000
				for i := 0; ok && i < len(b); i++ {
					ok = b[i] == "0123456789abcdef"[(off+i)%16]
				}
				parts = append(parts, fmt.Sprintf("%s=%v", p.Header.Get("Content-Range"), ok))
			}
			resp.Body.Close()
			if want := "bytes 3-100002/104857600=true bytes 70000000-70099999/104857600=true"; resp.StatusCode != 206 || strings.Join(parts, " ") != want {
				t.Errorf("multi-range: %d %q, want %q", resp.StatusCode, parts, want)
			}
			if after-before > 24<<10 {
				t.Errorf("peak RSS grew by %d KiB serving %d MiB: the file was buffered", after-before, size>>20)
			}
		})
	}
}

// TestServeCaddyFileServer: Caddy's file_server compiled from a Caddyfile
// and served by the binary on both I/O backends (the differential suite in
// internal/caddydiff compares the same features with real Caddy).
func TestServeCaddyFileServer(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		"index.html": "home", "a.txt": "0123456789", "sub/index.html": "sub",
		"secret.txt": "no", "app.js": "plain", "app.js.gz": "gzipped",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	cf := filepath.Join(t.TempDir(), "Caddyfile")
	os.WriteFile(cf, []byte(":80 {\n\troot * "+root+"\n\tfile_server {\n\t\thide secret.txt\n\t\tprecompressed gzip\n\t}\n}\n"), 0o644)
	noRedirect := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DisableCompression: true}}
	for _, ioMode := range []string{"uring", "epoll"} {
		t.Run(ioMode, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--caddy", cf, "--addr", "127.0.0.1:0", "--io", ioMode)
			defer stop()
			for _, c := range []struct {
				method, path, hdr, val string
				status                 int
				body, check, want      string
			}{
				{"GET", "/", "", "", 200, "home", "Content-Type", "text/html; charset=utf-8"},
				{"GET", "/sub", "", "", 308, "<a href=\"/sub/\">Permanent Redirect</a>.\n\n", "Location", "/sub/"},
				{"GET", "/a.txt/", "", "", 308, "<a href=\"/a.txt\">Permanent Redirect</a>.\n\n", "Location", "/a.txt"},
				{"GET", "/a.txt", "Range", "bytes=1-2", 206, "12", "Content-Range", "bytes 1-2/10"},
				{"GET", "/a.txt", "If-None-Match", "*", 304, "", "Vary", "Accept-Encoding"},
				{"GET", "/secret.txt", "", "", 404, "", "", ""},
				{"GET", "/app.js", "Accept-Encoding", "gzip", 200, "gzipped", "Content-Encoding", "gzip"},
				{"GET", "/app.js", "", "", 200, "plain", "Content-Type", "text/javascript; charset=utf-8"},
				{"POST", "/a.txt", "", "", 405, "", "Allow", "GET, HEAD"},
			} {
				req, _ := http.NewRequest(c.method, "http://"+addr+c.path, nil)
				if c.hdr != "" {
					req.Header.Set(c.hdr, c.val)
				}
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || string(b) != c.body || (c.check != "" && resp.Header.Get(c.check) != c.want) {
					t.Errorf("%s %s %s: %d %q %s=%q, want %d %q %q", c.method, c.path, c.val, resp.StatusCode, b, c.check, resp.Header.Get(c.check), c.status, c.body, c.want)
				}
			}
		})
	}
}
