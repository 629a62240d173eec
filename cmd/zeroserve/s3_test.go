package main

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// versitygwVersion is the S3 server the SigV4 end-to-end test signs for
// (Apache-2.0; it verifies SigV4 signatures: a wrong secret gets 403
// SignatureDoesNotMatch). scripts/test installs it.
const versitygwVersion = "github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// sigv4Example is the original's announced example, verbatim but for the
// upstream's port (and the secret, for the wrong-secret server).
const sigv4Example = `example.com {
  route /s3/* {
    uri strip_prefix /s3
    rewrite * /my-bucket{uri}
    zeroserve_call io.su3.aws-sigv4 sign_request {
      access_key_id "minioadmin"
      secret_access_key "minioadmin"
    }
    reverse_proxy http://127.0.0.1:9000
  }
}
`

// versitygw returns the versitygw binary. Without it the test is skipped
// loudly, except in CI (CI set), where scripts/test installs it and its
// absence is a failure.
func versitygw(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "versitygw is not installed: the S3 end-to-end test of the SigV4 plugin needs it (scripts/test runs: go install " + versitygwVersion + ")"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

// startS3 starts versitygw on a free loopback port with root credentials
// minioadmin/minioadmin and a posix backend in a temporary directory, and
// returns its port.
func startS3(t *testing.T) int {
	t.Helper()
	bin := versitygw(t)
	port := freePort(t)
	startProc(t, nil, bin, "--access", "minioadmin", "--secret", "minioadmin", "--port", "127.0.0.1:"+strconv.Itoa(port), "--quiet", "posix", t.TempDir())
	waitDial(t, "127.0.0.1:"+strconv.Itoa(port))
	return port
}

// startIn runs the real binary with args in dir (so the original's
// relative file names work) and returns its address.
func startIn(t *testing.T, dir string, args ...string) (string, *proc) {
	t.Helper()
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + a + "'"
	}
	p := startProc(t, nil, "/bin/sh", "-c", "cd '"+dir+"' && exec '"+binary(t)+"' "+strings.Join(q, " "))
	return p.waitLog(listenRE, 60*time.Second)[1], p
}

// s3Call is one request through zeroserve with Host example.com.
type s3Call struct {
	client *http.Client
	addr   string
}

func (c s3Call) do(t *testing.T, method, path, body string) (int, http.Header, string) {
	t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+c.addr+path, nil)
	if rd != nil {
		req, err = http.NewRequest(method, "http://"+c.addr+path, rd)
	}
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "example.com"
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := readAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

// listKeys lists the bucket through zeroserve (ListObjectsV2 with the
// query given) and returns the keys and common prefixes.
func (c s3Call) listKeys(t *testing.T, query string) (keys, prefixes []string) {
	t.Helper()
	status, _, body := c.do(t, "GET", "/s3/?"+query, "")
	if status != 200 {
		t.Fatalf("list %s: %d %s", query, status, body)
	}
	var res struct {
		Contents       []struct{ Key string }
		CommonPrefixes []struct{ Prefix string }
	}
	if err := xml.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("list %s: %v\n%s", query, err, body)
	}
	for _, o := range res.Contents {
		keys = append(keys, o.Key)
	}
	for _, p := range res.CommonPrefixes {
		prefixes = append(prefixes, p.Prefix)
	}
	slices.Sort(keys)
	return keys, prefixes
}

// escapeKey percent-encodes each segment of an object key for a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// TestS3SigV4 is the original's announced example end to end against a
// real S3 server that verifies signatures: `zeroserve --plugin
// io.su3.aws-sigv4.c --caddy Caddyfile` signs every request the route
// forwards to versitygw. PUT, GET, HEAD, DELETE and LIST (ListObjectsV2
// with an empty prefix and with a delimiter) of keys with spaces, unicode,
// '+' and '~' succeed on both I/O backends, and the same server with a
// wrong secret gets versitygw's SignatureDoesNotMatch.
func TestS3SigV4(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
	port := startS3(t)
	dir := t.TempDir()
	src, err := filepath.Abs("../../plugins/aws-sigv4.c")
	if err != nil {
		t.Fatal(err)
	}
	plugin, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	caddyfile := strings.Replace(sigv4Example, "127.0.0.1:9000", "127.0.0.1:"+strconv.Itoa(port), 1)
	for name, content := range map[string]string{
		"io.su3.aws-sigv4.c": string(plugin),
		"Caddyfile":          caddyfile,
		"Wrong.caddyfile":    strings.Replace(caddyfile, `secret_access_key "minioadmin"`, `secret_access_key "not-the-secret"`, 1),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{Timeout: 20 * time.Second}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, p := startIn(t, dir, "--plugin", "io.su3.aws-sigv4.c", "--caddy", "Caddyfile", "--addr", "127.0.0.1:0", "--io", io)
			s3 := s3Call{client, addr}
			// The bucket: created by the first run, owned already in the next.
			if status, _, body := s3.do(t, "PUT", "/s3/", ""); status != 200 && !strings.Contains(body, "BucketAlreadyOwnedByYou") {
				t.Fatalf("create bucket: %d %s\n%s", status, body, p.output())
			}
			objects := map[string]string{
				io + "/a key with spaces.txt":     "spaces",
				io + "/ünïcödé/✓ λ.txt":           "unicode ✓",
				io + "/plus+and~tilde (1).txt":    "plus and tilde",
				io + "/deep/er/key=value&x;y.bin": strings.Repeat("0123456789", 1000),
			}
			var want []string
			for key, body := range objects {
				want = append(want, key)
				if status, _, resp := s3.do(t, "PUT", "/s3/"+escapeKey(key), body); status != 200 {
					t.Fatalf("PUT %q: %d %s\n%s", key, status, resp, p.output())
				}
			}
			slices.Sort(want)
			for key, body := range objects {
				if status, _, got := s3.do(t, "GET", "/s3/"+escapeKey(key), ""); status != 200 || got != body {
					t.Errorf("GET %q: %d %.200q", key, status, got)
				}
				if status, hdr, _ := s3.do(t, "HEAD", "/s3/"+escapeKey(key), ""); status != 200 || hdr.Get("Content-Length") != strconv.Itoa(len(body)) {
					t.Errorf("HEAD %q: %d %v", key, status, hdr)
				}
			}
			if keys, _ := s3.listKeys(t, "list-type=2&prefix="+url.QueryEscape(io+"/")); !slices.Equal(keys, want) {
				t.Errorf("list: %q, want %q", keys, want)
			}
			if _, prefixes := s3.listKeys(t, "list-type=2&prefix=&delimiter=%2F"); !slices.Contains(prefixes, io+"/") {
				t.Errorf("list with delimiter: prefixes %q, want %q among them", prefixes, io+"/")
			}
			if _, prefixes := s3.listKeys(t, "list-type=2&prefix="+url.QueryEscape(io+"/ünïcödé/")+"&delimiter=/"); len(prefixes) != 0 {
				t.Errorf("list under unicode prefix: prefixes %q", prefixes)
			}
			for key := range objects {
				if status, _, resp := s3.do(t, "DELETE", "/s3/"+escapeKey(key), ""); status != 204 {
					t.Errorf("DELETE %q: %d %s", key, status, resp)
				}
				if status, _, resp := s3.do(t, "GET", "/s3/"+escapeKey(key), ""); status != 404 || !strings.Contains(resp, "NoSuchKey") {
					t.Errorf("GET deleted %q: %d %s", key, status, resp)
				}
			}
			if keys, _ := s3.listKeys(t, "list-type=2&prefix="+url.QueryEscape(io+"/")); len(keys) != 0 {
				t.Errorf("list after delete: %q", keys)
			}

			// The same route with a wrong secret: the server's signature error.
			addr, _ = startIn(t, dir, "--plugin", "io.su3.aws-sigv4.c", "--caddy", "Wrong.caddyfile", "--addr", "127.0.0.1:0", "--io", io)
			bad := s3Call{client, addr}
			for _, m := range []string{"PUT", "GET"} {
				status, _, body := bad.do(t, m, "/s3/"+escapeKey(io+"/a key with spaces.txt"), "x")
				if status != 403 || !strings.Contains(body, "<Code>SignatureDoesNotMatch</Code>") {
					t.Errorf("wrong secret %s: %d %s", m, status, body)
				}
			}
		})
	}
}

// TestZeroserveCallMissingPlugin: a zeroserve_call whose script is not
// loaded, or has no such function, stops the server at load time (--caddy
// and run) with an error naming the handler's JSON path.
func TestZeroserveCallMissingPlugin(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
	cf := writeFile(t, "Caddyfile", sigv4Example)
	path := regexp.QuoteMeta("apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0].routes[2].handle[0]")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--caddy", cf, "--addr", "127.0.0.1:0"}, path + `: zeroserve_call io.su3.aws-sigv4 sign_request: zs_call io.su3.aws-sigv4/sign_request: no such script`},
		{[]string{"--plugin", "../../plugins/aws-sigv4.c", "--caddy", cf, "--addr", "127.0.0.1:0"}, `no such script`},
		{[]string{"--plugin", "../../plugins/io.su3.aws-sigv4.c", "--caddy", writeFile(t, "Other", strings.Replace(sigv4Example, "sign_request", "sign", 1)), "--addr", "127.0.0.1:0"},
			`zeroserve_call io.su3.aws-sigv4 sign: .*no section zeroserve.call.sign`},
		{[]string{"run", "--config", writeFile(t, "Caddyfile", "{\n\tadmin off\n}\nhttp://127.0.0.1:"+strconv.Itoa(freePort(t))+" {\n\tzeroserve_call nosuch fn\n}\n")},
			regexp.QuoteMeta("apps.http.servers.srv0.routes[0].handle[0].routes[0].handle[0]: zeroserve_call nosuch fn: zs_call nosuch/fn: no such script")},
	} {
		code, _, errOut := runCmd(c.args...)
		if code != 1 || !regexp.MustCompile(c.want).MatchString(errOut) {
			t.Errorf("%v: exit %d, %s\nwant %s", c.args, code, errOut, c.want)
		}
	}
}
