package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the zeroserve binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "zeroserve-e2e-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "zeroserve")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("go build: %s", out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

var listenRE = regexp.MustCompile(`listening on http://(\S+)`)

// startBinary runs the real binary with args (which must listen on
// 127.0.0.1:0), waits for its "listening on" line and returns the address,
// the process id and a function that stops it with SIGTERM and returns its
// log.
func startBinary(t *testing.T, args ...string) (string, int, func() string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var log strings.Builder
	addr := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	stop := func() string {
		cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("server did not stop on SIGTERM")
		}
		<-done
		mu.Lock()
		defer mu.Unlock()
		return log.String()
	}
	select {
	case a := <-addr:
		return a, cmd.Process.Pid, stop
	case <-time.After(60 * time.Second):
		t.Fatalf("no listening line; log:\n%s", stop())
	}
	return "", 0, nil
}

// TestServeScriptBinary is the original's `zeroserve script.c`: the real
// binary compiles a C script with clang and serves it, on both I/O
// backends.
func TestServeScriptBinary(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", io, "--threads", "2",
				"--plugin", "../../internal/script/testdata/hostile.c", "../../internal/script/testdata/hello.c")
			for _, c := range []struct {
				hdr, val string
				status   int
				body     string
			}{
				{"X-Name", "ann", 200, "hello ann"},
				{"X-Mode", "wild", 500, ""},
				{"X-Other", "", 404, ""},
			} {
				req, _ := http.NewRequest("GET", "http://"+addr+"/p", nil)
				if c.val != "" {
					req.Header.Set(c.hdr, c.val)
				}
				resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := readAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || body != c.body {
					t.Errorf("%s: %d %q, want %d %q", c.hdr, resp.StatusCode, body, c.status, c.body)
				}
			}
			log := stop()
			for _, want := range []string{`loaded script "hostile"`, `loaded script "hello"`, "(2 worker thread(s))", "[user_log] hello: GET /p", "memory access out of bounds"} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
		})
	}
}

func readAll(r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	return string(b), err
}

func TestScriptUsage(t *testing.T) {
	for _, args := range [][]string{{"script"}, {"script", "x.txt"}, {"script", "a.c", "b.c"}} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCmd("script", "--addr", "127.0.0.1:0", "/nonexistent.o"); code != 1 || !strings.Contains(errOut, "nonexistent") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

// TestServeCaddyfileBinary serves the bundled example Caddyfile compiled to
// eBPF, as `zeroserve --caddy FILE --addr ...` (the original's mode) on
// both I/O backends, and checks what its routes answer.
func TestServeCaddyfileBinary(t *testing.T) {
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--caddy", "../../examples/Caddyfile", "--addr", "127.0.0.1:0", "--io", io)
			client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for _, c := range []struct {
				path, body string
				status     int
				hdr, val   string
			}{
				{"/api/users", "api ok", 200, "Cache-Control", "no-store"},
				{"/static/app.css", "static content", 200, "", ""},
				{"/old", "", 301, "Location", "/new"},
				{"/", "hello from zeroserve", 200, "", ""},
			} {
				resp, err := client.Get("http://" + addr + c.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := readAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || body != c.body || c.hdr != "" && resp.Header.Get(c.hdr) != c.val {
					t.Errorf("%s: %d %q %v; want %d %q %s: %s", c.path, resp.StatusCode, body, resp.Header, c.status, c.body, c.hdr, c.val)
				}
			}
			if log := stop(); !strings.Contains(log, `loaded script "caddy"`) {
				t.Errorf("log:\n%s", log)
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"run", "--config", "x", "extra"}} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCmd("run", "--config", "../../examples/Caddyfile", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(errOut, "--caddy") {
		t.Errorf("run with --addr: exit %d, %q", code, errOut)
	}
}

// TestServeScriptProxy: a script forwards requests with zs_reverse_proxy
// to a real upstream; the upstream sees the script's changes, and an
// upstream that is down gives 502, on both backends.
func TestServeScriptProxy(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s via=%s xff=%s upstream-header=%q", r.Method, r.URL.RequestURI(), r.Header.Get("X-Via-Script"), r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Upstream"))
	}))
	defer upstream.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", io, "../../internal/script/testdata/proxy.o")
			defer stop()
			for _, c := range []struct {
				upstream string
				status   int
				body     string
			}{
				{upstream.URL + "/base", 200, `GET /base/rewritten?from=script via=yes xff=127.0.0.1 upstream-header=""`},
				{downURL, 502, ""},
				{"", 400, "no upstream\n"},
			} {
				req, _ := http.NewRequest("GET", "http://"+addr+"/orig", nil)
				if c.upstream != "" {
					req.Header.Set("X-Upstream", c.upstream)
				}
				resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := readAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || c.body != "" && body != c.body {
					t.Errorf("upstream %q: %d %q, want %d %q", c.upstream, resp.StatusCode, body, c.status, c.body)
				}
			}
		})
	}
}

// TestServeCaddyReverseProxy: a Caddyfile's reverse_proxy (one upstream)
// compiled to eBPF forwards through the proxy engine; as Caddy without
// trusted proxies, the client's X-Forwarded-For is replaced. Other
// reverse_proxy options are compile errors naming them.
func TestServeCaddyReverseProxy(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s host=%s xff=%s proto=%s", r.Method, r.URL.RequestURI(), r.Host, r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Proto"))
	}))
	defer upstream.Close()
	dir := t.TempDir()
	cf := filepath.Join(dir, "Caddyfile")
	// respond sorts before reverse_proxy in Caddy's directive order, so the
	// proxied path needs its own handle block.
	os.WriteFile(cf, []byte("{\n\tauto_https off\n}\n:8080 {\n\thandle /api/* {\n\t\treverse_proxy "+strings.TrimPrefix(upstream.URL, "http://")+"\n\t}\n\trespond \"local\"\n}\n"), 0o644)
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--caddy", cf, "--addr", "127.0.0.1:0", "--io", io)
			defer stop()
			req, _ := http.NewRequest("GET", "http://"+addr+"/api/x?q=1", nil)
			req.Host = "example.test"
			req.Header.Set("X-Forwarded-For", "6.6.6.6")
			resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := readAll(resp.Body)
			resp.Body.Close()
			if want := "GET /api/x?q=1 host=example.test xff=127.0.0.1 proto=http"; resp.StatusCode != 200 || body != want {
				t.Errorf("proxied: %d %q, want %q", resp.StatusCode, body, want)
			}
			resp, err = http.Get("http://" + addr + "/other")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = readAll(resp.Body)
			resp.Body.Close()
			if body != "local" {
				t.Errorf("not proxied: %d %q", resp.StatusCode, body)
			}
		})
	}
	bad := filepath.Join(dir, "Bad")
	os.WriteFile(bad, []byte(":8080 {\n\treverse_proxy 127.0.0.1:1 {\n\t\trequest_buffers 4k\n\t}\n}\n"), 0o644)
	if code, _, errOut := runCmd("compile", "--config", bad, "-o", filepath.Join(dir, "x.o")); code != 1 || !strings.Contains(errOut, `unsupported reverse_proxy field "request_buffers"`) {
		t.Errorf("request_buffers: exit %d, %q", code, errOut)
	}
}
