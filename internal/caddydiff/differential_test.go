//go:build caddyoracle

package caddydiff

import (
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
)

// TestMain builds the zeroserve binary and points Caddy's storage and
// config directories at a temporary directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "caddydiff")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Built before HOME moves: go build finds its caches from HOME.
	if err := buildZeroserve(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, v := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"} {
		os.Setenv(v, dir)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tally is what TestDifferential reports.
type tally struct {
	requests int      // requests compared on io_uring
	diffs    int      // differences not in knownDifferences
	known    []string // known differences met, with their reasons
	open     []string // reported bugs of other packages met
	skipped  []string // cases zeroserve rejects as unsupported
}

// TestDifferential runs every registered case and prints the counts.
func TestDifferential(t *testing.T) {
	names := map[string]bool{}
	var tl tally
	for _, c := range cases {
		if names[c.Name] {
			t.Errorf("two cases named %q", c.Name)
		}
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) { runCase(t, c, &tl) })
	}
	fmt.Printf("caddy differential: %d cases, %d differences\n", tl.requests, tl.diffs)
	fmt.Printf("caddy differential: %d known differences, %d open (reported bugs of other packages), %d cases skipped\n", len(tl.known), len(tl.open), len(tl.skipped))
	for _, k := range tl.known {
		fmt.Printf("  known: %s\n", k)
	}
	for _, o := range tl.open {
		fmt.Printf("  open: %s\n", o)
	}
	for _, s := range tl.skipped {
		fmt.Printf("  skipped: %s\n", s)
	}
}

// runCase serves c with Caddy, then with zeroserve (io_uring, and epoll
// when c.Epoll), and compares the responses.
func runCase(t *testing.T, c Case, tl *tally) {
	root := t.TempDir()
	for name, content := range c.Files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	up := c.Upstream
	if up == nil {
		up = echoHandler()
	}
	upstream := httptest.NewServer(up)
	defer upstream.Close()
	render := func(port int) string {
		return strings.NewReplacer("{PORT}", fmt.Sprint(port), "{ROOT}", root, "{UPSTREAM}", upstream.Listener.Addr().String()).Replace(withGlobals(c.Caddyfile))
	}

	cport := freePort(t)
	if err := startCaddy(render(cport)); err != nil {
		t.Fatalf("%v\n%s", err, render(cport))
	}
	want := make([]response, len(c.Requests))
	for i, r := range c.Requests {
		want[i] = send(cport, r)
		if os.Getenv("CADDYDIFF_SHOW") != "" {
			t.Logf("%s: caddy answers %s", r.label(), want[i].render())
		}
	}
	if err := stopCaddy(); err != nil {
		t.Fatal(err)
	}

	zport := freePort(t)
	zsrc := render(zport)
	chain, err := compileZeroserve(zsrc)
	if err != nil {
		var u1 *caddyconf.UnsupportedError
		var u2 *caddyfile.UnsupportedError
		if errors.As(err, &u1) || errors.As(err, &u2) || unsupportedCompile(err) {
			tl.skipped = append(tl.skipped, c.Name+": "+err.Error())
			t.Skipf("unsupported: %v", err)
		}
		tl.diffs++
		t.Fatalf("zeroserve rejects the config: %v", err)
	}
	chain.Close()
	path, err := writeCaddyfile(t.TempDir(), "Caddyfile", zsrc)
	if err != nil {
		t.Fatal(err)
	}
	backends := []string{"uring"}
	if c.Epoll {
		backends = append(backends, "epoll")
	}
	for i, b := range backends {
		if i > 0 {
			// A fresh port: another process may have taken the last
			// one since it was freed.
			zport = freePort(t)
			if path, err = writeCaddyfile(t.TempDir(), "Caddyfile", render(zport)); err != nil {
				t.Fatal(err)
			}
		}
		zs, err := startZeroserve(path, zport, b)
		if err != nil {
			t.Fatalf("zeroserve on %s: %v", b, err)
		}
		for j, r := range c.Requests {
			got := send(zport, r)
			if b == "uring" {
				tl.requests++
			}
			for _, d := range compare(want[j], got) {
				if k, ok := known(c.Name, r.label(), d); ok {
					if b == "uring" && k.Open != "" {
						tl.open = append(tl.open, fmt.Sprintf("%s / %s / %s: %s", c.Name, r.label(), d.field, k.Open))
					} else if b == "uring" {
						tl.known = append(tl.known, fmt.Sprintf("%s / %s / %s: %s", c.Name, r.label(), d.field, k.Reason))
					}
					continue
				}
				tl.diffs++
				t.Errorf("%s (%s): %s\n\tcaddy     %s\n\tzeroserve %s", r.label(), b, d.field, d.caddy, d.zeroserve)
			}
		}
		zs.stop()
	}
}

// unsupportedCompile reports a compile error that names a feature the
// compiler or the helpers do not implement (a placeholder, a handler
// option): *compile.Error says so in its message.
func unsupportedCompile(err error) bool {
	var ce *compile.Error
	return errors.As(err, &ce) && strings.Contains(ce.Msg, "not supported")
}

// globalBlock matches a Caddyfile's leading global options block opener.
var globalBlock = regexp.MustCompile(`^\s*\{\s*\n`)

// withGlobals adds "admin off" and "auto_https off" to the Caddyfile's
// global options, creating the block when there is none.
func withGlobals(src string) string {
	const opts = "\tadmin off\n\tauto_https off\n"
	if loc := globalBlock.FindStringIndex(src); loc != nil {
		return src[:loc[1]] + opts + src[loc[1]:]
	}
	return "{\n" + opts + "}\n" + src
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
