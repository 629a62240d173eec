package main

import (
	"bufio"
	"errors"
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

	"github.com/zeroserve/zeroserve/internal/script"
)

// logWatch collects a process's log lines and lets a test wait for them.
type logWatch struct {
	mu      sync.Mutex
	changed *sync.Cond
	log     strings.Builder
	done    bool
}

// waitCount waits until re matches n lines (or the process ends, or a
// minute passes: a failure deadline) and returns the matches.
func (w *logWatch) waitCount(t *testing.T, re *regexp.Regexp, n int) [][]string {
	t.Helper()
	timer := time.AfterFunc(time.Minute, func() {
		w.mu.Lock()
		w.done = true
		w.changed.Broadcast()
		w.mu.Unlock()
	})
	defer timer.Stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		m := re.FindAllStringSubmatch(w.log.String(), -1)
		if len(m) >= n {
			return m
		}
		if w.done {
			t.Fatalf("log has %d lines matching %q, want %d:\n%s", len(m), re, n, w.log.String())
		}
		w.changed.Wait()
	}
}

// startWatched runs the binary as startBinary does and returns its address,
// the process, its log and a function that stops it.
func startWatched(t *testing.T, args ...string) (string, *os.Process, *logWatch, func()) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &logWatch{}
	w.changed = sync.NewCond(&w.mu)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			w.mu.Lock()
			w.log.WriteString(sc.Text() + "\n")
			w.changed.Broadcast()
			w.mu.Unlock()
		}
		w.mu.Lock()
		w.done = true
		w.changed.Broadcast()
		w.mu.Unlock()
	}()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case <-waited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("server did not stop on SIGTERM")
		}
	}
	m := w.waitCount(t, listenRE, 1)
	return m[0][1], cmd.Process, w, stop
}

// writeSite writes a script that answers every request with body.
func writeSite(t *testing.T, path, body string) {
	t.Helper()
	src := fmt.Sprintf("#include \"zeroserve.h\"\nZS_ENTRY zs_u64 entry(void) {\n  zs_respond(200, %q, %d);\n  return 0;\n}\n", body, len(body))
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// getBody GETs url and returns the status and body.
func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var (
	reloadedRE  = regexp.MustCompile(`reloaded: generation (\d+) serves new requests`)
	closedRE    = regexp.MustCompile(`reload: generation (\d+) closed`)
	failedRE    = regexp.MustCompile(`reload failed, previous config kept: (.*)`)
	reloadingRE = regexp.MustCompile(`(SIGHUP|changed): reloading plugins and site`)
)

// TestReloadBinary: SIGHUP swaps in a changed script and frees the old
// one; a script that does not compile keeps the old one and logs why with
// file:line; a change of --reload-signal-file's content reloads too. On
// both backends.
func TestReloadBinary(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			dir := t.TempDir()
			site, signalFile := filepath.Join(dir, "site.c"), filepath.Join(dir, "reload")
			writeSite(t, site, "one")
			addr, proc, lg, stop := startWatched(t, "--addr", "127.0.0.1:0", "--io", io, "--threads", "2", "--disable-request-logging",
				"--reload-signal-file", signalFile, site)
			defer stop()
			url := "http://" + addr + "/"
			if code, body := getBody(t, url); code != 200 || body != "one" {
				t.Fatalf("before reloading: %d %q", code, body)
			}

			writeSite(t, site, "two")
			proc.Signal(syscall.SIGHUP)
			lg.waitCount(t, reloadedRE, 1)
			if code, body := getBody(t, url); code != 200 || body != "two" {
				t.Fatalf("after SIGHUP: %d %q", code, body)
			}
			if m := lg.waitCount(t, closedRE, 1); m[0][1] != "1" {
				t.Errorf("closed generation %s, want 1", m[0][1])
			}

			os.WriteFile(site, []byte("#include \"zeroserve.h\"\nZS_ENTRY zs_u64 entry(void) {\n  return undeclared;\n}\n"), 0o644)
			proc.Signal(syscall.SIGHUP)
			m := lg.waitCount(t, failedRE, 1)
			if !strings.Contains(m[0][1], "site.c:3:") || !strings.Contains(m[0][1], "undeclared") {
				t.Errorf("failure line %q does not point at site.c:3", m[0][1])
			}
			if code, body := getBody(t, url); code != 200 || body != "two" {
				t.Fatalf("after a failed reload: %d %q, want the old script", code, body)
			}

			writeSite(t, site, "three")
			os.WriteFile(signalFile, []byte("1"), 0o644)
			lg.waitCount(t, reloadedRE, 2)
			if code, body := getBody(t, url); code != 200 || body != "three" {
				t.Fatalf("after the signal file changed: %d %q", code, body)
			}
			if m := lg.waitCount(t, reloadingRE, 3); m[2][1] != "changed" {
				t.Errorf("third reload triggered by %q, want the signal file", m[2][1])
			}
		})
	}
}

// wrkRE finds wrk's error lines: socket errors and non-2xx/3xx responses.
var wrkRE = regexp.MustCompile(`(?m)^\s*(Socket errors:.*|Non-2xx or 3xx responses:.*)$`)

// proxySite is a script that proxies every request to upstream and
// registers a response hook that sets the status to 201+version: the hook
// runs on the proxied response, after ServeHTTP1 returned.
func proxySite(upstream string, version int) string {
	return fmt.Sprintf(`#include "zeroserve.h"
ZS_ENTRY zs_u64 entry(void) {
  zs_res_hook(ZS_STR(""), ZS_STR("tag"), zs_json_new_object());
  zs_reverse_proxy(ZS_STR(%q));
  return 0;
}
ZS_CALL_ENTRY(tag, input) {
  zs_res_set_status(%d);
  return input;
}
`, upstream, 201+version)
}

// TestReloadUnderLoad: wrk keeps 64 connections busy while the site, a
// proxy whose response hook runs after ServeHTTP1 returns, is reloaded 20
// times (two precompiled objects in turn, so that reloads are quick): no
// request fails, and every old generation is closed.
func TestReloadUnderLoad(t *testing.T) {
	for _, tool := range []string{"clang", "wrk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	const reloads = 20
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "up") }))
	defer upstream.Close()
	dir := t.TempDir()
	var objects [2][]byte
	for i := range objects {
		src := filepath.Join(dir, fmt.Sprintf("v%d.c", i))
		if err := os.WriteFile(src, []byte(proxySite(upstream.URL, i)), 0o644); err != nil {
			t.Fatal(err)
		}
		o, err := script.CompileC(src)
		if err != nil {
			t.Fatal(err)
		}
		objects[i] = o
	}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			site := filepath.Join(t.TempDir(), "site.o")
			os.WriteFile(site, objects[0], 0o644)
			addr, proc, lg, stop := startWatched(t, "--addr", "127.0.0.1:0", "--io", io, "--threads", "2", "--disable-request-logging", site)
			defer stop()
			wrk := exec.Command("wrk", "-t2", "-c64", "-d4s", "http://"+addr+"/")
			var out strings.Builder
			wrk.Stdout, wrk.Stderr = &out, &out
			if err := wrk.Start(); err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= reloads; i++ {
				os.WriteFile(site, objects[i%2], 0o644)
				proc.Signal(syscall.SIGHUP)
				lg.waitCount(t, reloadedRE, i)
				time.Sleep(100 * time.Millisecond) // spread the reloads over wrk's run
			}
			if err := wrk.Wait(); err != nil {
				t.Fatalf("wrk: %v\n%s", err, out.String())
			}
			t.Logf("wrk during %d reloads:\n%s", reloads, out.String())
			if m := wrkRE.FindAllString(out.String(), -1); len(m) > 0 || !strings.Contains(out.String(), "requests in") {
				t.Errorf("wrk saw errors: %q", m)
			}
			if code, body := getBody(t, "http://"+addr+"/"); code != 201 || body != "up" {
				t.Errorf("after the reloads: %d %q, want version 0's 201 and the upstream's body", code, body)
			}
			lg.waitCount(t, closedRE, reloads) // every swapped-out generation freed
		})
	}
}

// TestReloadRunConfig: `run --config` reloads a changed Caddyfile's routes
// on SIGHUP; a listener change is logged as needing a restart (the routes
// still reload); a Caddyfile that does not adapt keeps the old routes and
// names the file and line. On both backends.
func TestReloadRunConfig(t *testing.T) {
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			cf := filepath.Join(t.TempDir(), "Caddyfile")
			write := func(port int, body string) {
				os.WriteFile(cf, []byte(fmt.Sprintf("{\n\tauto_https off\n}\n:%d {\n\trespond %q\n}\n", port, body)), 0o644)
			}
			port := freePort(t)
			write(port, "one")
			_, proc, lg, stop := startWatched(t, "run", "--config", cf, "--io", io, "--disable-request-logging")
			defer stop()
			url := fmt.Sprintf("http://127.0.0.1:%d/", port)
			if code, body := getBody(t, url); code != 200 || body != "one" {
				t.Fatalf("before reloading: %d %q", code, body)
			}
			runReloaded := regexp.MustCompile(`reloaded server srv0: generation (\d+) serves new requests`)

			write(port, "two")
			proc.Signal(syscall.SIGHUP)
			lg.waitCount(t, runReloaded, 1)
			if code, body := getBody(t, url); code != 200 || body != "two" {
				t.Fatalf("after SIGHUP: %d %q", code, body)
			}
			lg.waitCount(t, closedRE, 1)

			write(port+1, "three")
			proc.Signal(syscall.SIGHUP)
			lg.waitCount(t, runReloaded, 2)
			lg.waitCount(t, regexp.MustCompile(`server srv0: listener or TLS connection policy changes need a restart`), 1)
			if code, body := getBody(t, url); code != 200 || body != "three" {
				t.Fatalf("after a listener change: %d %q, want the new routes on the old listener", code, body)
			}

			os.WriteFile(cf, []byte(fmt.Sprintf(":%d {\n\trespond \"x\"\n\tno_such_directive\n}\n", port)), 0o644)
			proc.Signal(syscall.SIGHUP)
			m := lg.waitCount(t, failedRE, 1)
			if !strings.Contains(m[0][1], "no_such_directive") || !strings.Contains(m[0][1], "Caddyfile:3") {
				t.Errorf("failure line %q does not name the directive and Caddyfile:3", m[0][1])
			}
			if code, body := getBody(t, url); code != 200 || body != "three" {
				t.Fatalf("after a failed reload: %d %q", code, body)
			}
		})
	}
}

// TestReloadSiteTarRejected: hot reload of a site tarball is not
// implemented, and --reload-signal-file with one says so.
func TestReloadSiteTarRejected(t *testing.T) {
	code, _, errOut := runCmd("--reload-signal-file", filepath.Join(t.TempDir(), "r"), "site.tar")
	if code != 2 || !strings.Contains(errOut, "hot reload of a site tarball is not implemented yet") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestOneLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"load script a.c: clang: exit status 1\na.c:3:10: error: use of undeclared identifier 'x'\n  return x;\n1 error generated.\n", "load script a.c: clang: exit status 1: a.c:3:10: error: use of undeclared identifier 'x'"},
		{"first\nsecond", "first"},
	} {
		if got := oneLine(errors.New(c.in)); got != c.want {
			t.Errorf("oneLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestReloadCaddyFlag: `--caddy FILE` (the original's mode) recompiles the
// Caddyfile on SIGHUP. On both backends.
func TestReloadCaddyFlag(t *testing.T) {
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			cf := filepath.Join(t.TempDir(), "Caddyfile")
			write := func(body string) {
				os.WriteFile(cf, []byte(fmt.Sprintf(":8080 {\n\trespond %q\n}\n", body)), 0o644)
			}
			write("one")
			addr, proc, lg, stop := startWatched(t, "--caddy", cf, "--addr", "127.0.0.1:0", "--io", io, "--disable-request-logging")
			defer stop()
			if code, body := getBody(t, "http://"+addr+"/"); code != 200 || body != "one" {
				t.Fatalf("before reloading: %d %q", code, body)
			}
			write("two")
			proc.Signal(syscall.SIGHUP)
			lg.waitCount(t, reloadedRE, 1)
			if code, body := getBody(t, "http://"+addr+"/"); code != 200 || body != "two" {
				t.Fatalf("after SIGHUP: %d %q", code, body)
			}
		})
	}
}
