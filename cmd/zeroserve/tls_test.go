package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var backends = []string{"uring", "epoll"}

// startRun starts `zeroserve run` on a Caddyfile with $XDG_DATA_HOME in
// dir (so Caddy's default storage is dir/caddy) and waits for its HTTPS
// listener on tlsPort.
func startRun(t *testing.T, dir, caddyfile, io string, tlsPort int) *proc {
	t.Helper()
	cf := writeIn(t, dir, "Caddyfile", caddyfile)
	p := startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf, "--io", io)
	p.waitLog(regexp.MustCompile(`listening on https://\S+:`+itoa(tlsPort)), 60*time.Second)
	return p
}

// handshake connects to 127.0.0.1:port with SNI name and returns the
// server's leaf or the handshake error.
func handshake(port int, cfg *tls.Config) (*x509.Certificate, error) {
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", "127.0.0.1:"+itoa(port), cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0], nil
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestRunTLSInternal: `tls internal` gets a certificate from the local CA,
// kept in Caddy's pki layout under the default storage; it verifies
// against the exported root; plain HTTP redirects to HTTPS with Caddy's
// 308.
func TestRunTLSInternal(t *testing.T) {
	for _, io := range backends {
		t.Run(io, func(t *testing.T) {
			dir := t.TempDir()
			httpPort, tlsPort := freePort(t), freePort(t)
			zs := startRun(t, dir, fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n}\n\nzs.test {\n\ttls internal\n\trespond \"ok\"\n}\n", httpPort, tlsPort), io, tlsPort)
			m := zs.waitLog(regexp.MustCompile(`"msg":"local CA ready.*"root":"([^"]+)"`), 30*time.Second)
			root := filepath.Join(dir, "caddy", "pki", "authorities", "local", "root.crt")
			if m[1] != root {
				t.Errorf("root logged at %s, want %s", m[1], root)
			}
			for _, f := range []string{"root.key", "intermediate.crt", "intermediate.key"} {
				if _, err := os.Stat(filepath.Join(filepath.Dir(root), f)); err != nil {
					t.Error(err)
				}
			}
			zs.waitLog(obtainedRE, 30*time.Second)
			body, leaf, err := fetchNew(t, tlsPort, "zs.test", poolOf(t, root))
			if err != nil || body != "ok" || leaf.DNSNames[0] != "zs.test" {
				t.Fatalf("GET: %q %v; log:\n%s", body, err, zs.output())
			}
			if _, err := os.Stat(filepath.Join(dir, "caddy", "certificates", "local", "zs.test", "zs.test.crt")); err != nil {
				t.Error(err)
			}
			req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/a/b?c=d", httpPort), nil)
			req.Host = "zs.test"
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 308 || resp.Header.Get("Location") != "https://zs.test/a/b?c=d" {
				t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

// TestRunCertFiles: certificates from files are selected by SNI (two
// sites, three names), `default_sni` serves clients without SNI,
// `fallback_sni` unknown names, `protocols tls1.3` refuses TLS 1.2 for one
// site only; loaded certificates get no automation, and
// `auto_https disable_redirects` leaves the HTTP port closed.
func TestRunCertFiles(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "files")
	aCrt, aKey, _ := ca.issue(t, dir, "a", false, "a.test", "b.test")
	cCrt, cKey, _ := ca.issue(t, dir, "c", false, "c.test")
	for _, io := range backends {
		t.Run(io, func(t *testing.T) {
			dir := t.TempDir()
			httpPort, tlsPort := freePort(t), freePort(t)
			startRun(t, dir, fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n\tdefault_sni a.test\n\tfallback_sni c.test\n\tauto_https disable_redirects\n}\n\n"+
				"a.test, b.test {\n\ttls %s %s {\n\t\tprotocols tls1.3\n\t}\n\trespond \"a\"\n}\n\nc.test {\n\ttls %s %s\n\trespond \"c\"\n}\n",
				httpPort, tlsPort, aCrt, aKey, cCrt, cKey), io, tlsPort)
			roots := poolOf(t, ca.file)
			for _, c := range []struct{ sni, org, body string }{{"a.test", "a", "a"}, {"b.test", "a", "a"}, {"c.test", "c", "c"}} {
				body, leaf, err := getTLS(t, tlsPort, c.sni, roots)
				if err != nil || body != c.body || leaf.Subject.Organization[0] != c.org {
					t.Errorf("%s: %q %v", c.sni, body, err)
				}
			}
			if leaf, err := handshake(tlsPort, &tls.Config{InsecureSkipVerify: true}); err != nil || leaf.Subject.Organization[0] != "a" {
				t.Errorf("no SNI: %v", err)
			}
			if leaf, err := handshake(tlsPort, &tls.Config{ServerName: "zzz.test", InsecureSkipVerify: true}); err != nil || leaf.Subject.Organization[0] != "c" {
				t.Errorf("unknown SNI: %v", err)
			}
			if _, err := handshake(tlsPort, &tls.Config{ServerName: "a.test", RootCAs: roots, MaxVersion: tls.VersionTLS12}); err == nil {
				t.Error("a.test accepted TLS 1.2 despite `protocols tls1.3`")
			}
			if _, err := handshake(tlsPort, &tls.Config{ServerName: "c.test", RootCAs: roots, MaxVersion: tls.VersionTLS12}); err != nil {
				t.Errorf("c.test over TLS 1.2: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "caddy", "certificates")); !os.IsNotExist(err) {
				t.Errorf("certificates were managed for names with loaded certificates: %v", err)
			}
			if c, err := net.Dial("tcp", "127.0.0.1:"+itoa(httpPort)); err == nil {
				c.Close()
				t.Error("the HTTP port listens although redirects are disabled")
			}
		})
	}
}

// TestRunMutualTLS: client_auth require_and_verify accepts a client
// certificate from the trusted CA and refuses none or another CA's;
// verify_if_given accepts none and refuses an untrusted one.
func TestRunMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "server")
	clientCA := newTestCA(t, dir, "clients")
	otherCA := newTestCA(t, dir, "other")
	crt, key, _ := ca.issue(t, dir, "srv", false, "m.test", "v.test")
	_, _, good := clientCA.issue(t, dir, "good", true, "alice")
	_, _, bad := otherCA.issue(t, dir, "bad", true, "mallory")
	site := func(name, mode string) string {
		return fmt.Sprintf("%s {\n\ttls %s %s {\n\t\tclient_auth {\n\t\t\tmode %s\n\t\t\ttrust_pool file %s\n\t\t}\n\t}\n\trespond \"%s\"\n}\n", name, crt, key, mode, clientCA.file, name)
	}
	for _, io := range backends {
		t.Run(io, func(t *testing.T) {
			httpPort, tlsPort := freePort(t), freePort(t)
			startRun(t, t.TempDir(), fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n}\n\n", httpPort, tlsPort)+
				site("m.test", "require_and_verify")+"\n"+site("v.test", "verify_if_given"), io, tlsPort)
			roots := poolOf(t, ca.file)
			for _, c := range []struct {
				sni   string
				certs []tls.Certificate
				ok    bool
			}{
				{"m.test", []tls.Certificate{good}, true},
				{"m.test", nil, false},
				{"m.test", []tls.Certificate{bad}, false},
				{"v.test", nil, true},
				{"v.test", []tls.Certificate{good}, true},
				{"v.test", []tls.Certificate{bad}, false},
			} {
				body, _, err := getTLS(t, tlsPort, c.sni, roots, c.certs...)
				if c.ok && (err != nil || body != c.sni) || !c.ok && err == nil {
					t.Errorf("%s with %d certs: %q %v, want ok=%v", c.sni, len(c.certs), body, err, c.ok)
				}
			}
		})
	}
}

// TestRunOnDemand: on-demand TLS (from the local CA) asks the `ask`
// endpoint and gets a certificate for the name it allows, none for the
// name it refuses; plain HTTP requests for any name redirect (Caddy's
// catch-all).
func TestRunOnDemand(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	ask := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := r.URL.Query().Get("domain")
		mu.Lock()
		asked = append(asked, d)
		mu.Unlock()
		if d != "yes.test" {
			w.WriteHeader(403)
		}
	}))
	defer ask.Close()
	for _, io := range backends {
		t.Run(io, func(t *testing.T) {
			dir := t.TempDir()
			httpPort, tlsPort := freePort(t), freePort(t)
			zs := startRun(t, dir, fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n\ton_demand_tls {\n\t\task %s/check\n\t}\n}\n\nhttps:// {\n\ttls internal {\n\t\ton_demand\n\t}\n\trespond \"od\"\n}\n",
				httpPort, tlsPort, ask.URL), io, tlsPort)
			root := filepath.Join(dir, "caddy", "pki", "authorities", "local", "root.crt")
			if _, err := handshake(tlsPort, &tls.Config{ServerName: "no.test", InsecureSkipVerify: true}); err == nil {
				t.Error("no.test got a certificate")
			}
			if _, err := handshake(tlsPort, &tls.Config{ServerName: "yes.test", InsecureSkipVerify: true}); err != nil {
				t.Fatalf("yes.test: %v; log:\n%s", err, zs.output())
			}
			body, leaf, err := getTLS(t, tlsPort, "yes.test", poolOf(t, root))
			if err != nil || body != "od" || leaf.DNSNames[0] != "yes.test" {
				t.Fatalf("yes.test: %q %v; log:\n%s", body, err, zs.output())
			}
			mu.Lock()
			got := strings.Join(asked, ",")
			asked = nil
			mu.Unlock()
			if !strings.Contains(got, "no.test") || !strings.Contains(got, "yes.test") {
				t.Errorf("ask endpoint saw %q", got)
			}
			req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/x", httpPort), nil)
			req.Host = "any.test"
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 308 || resp.Header.Get("Location") != "https://any.test/x" {
				t.Errorf("redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

// TestRunFailingOrder: an ACME order that cannot succeed (the CA is down)
// is logged and retried while the server keeps serving its other sites.
func TestRunFailingOrder(t *testing.T) {
	dir := t.TempDir()
	httpPort, tlsPort, caPort := freePort(t), freePort(t), freePort(t)
	zs := startRun(t, dir, fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n\tacme_ca https://127.0.0.1:%d/dir\n}\n\n"+
		"acme.test {\n\trespond \"acme\"\n}\n\nlocal.test {\n\ttls internal\n\trespond \"local\"\n}\n", httpPort, tlsPort, caPort), "epoll", tlsPort)
	zs.waitLog(regexp.MustCompile(`"msg":"will retry".*acme\.test`), 60*time.Second)
	zs.waitLog(obtainedRE, 30*time.Second)
	root := filepath.Join(dir, "caddy", "pki", "authorities", "local", "root.crt")
	if body, _, err := fetchNew(t, tlsPort, "local.test", poolOf(t, root)); err != nil || body != "local" {
		t.Fatalf("local.test: %q %v; log:\n%s", body, err, zs.output())
	}
	if _, err := handshake(tlsPort, &tls.Config{ServerName: "acme.test", InsecureSkipVerify: true}); err == nil {
		t.Error("acme.test has a certificate although its CA is down")
	}
}
