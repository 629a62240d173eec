package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// lookTool finds a test tool on $PATH or in $(go env GOPATH)/bin, where
// scripts/test installs Pebble.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s not installed (scripts/test installs it: go install github.com/letsencrypt/pebble/v2/cmd/...)", name)
	return ""
}

// pebble is a running Pebble ACME server with its DNS server.
type pebble struct {
	dir    string // ACME directory URL
	caFile string // the CA of Pebble's own HTTPS certificate (acme_ca_root)
	mgmt   string // management address
	proc   *proc
	tmp    string
	orders *regexp.Regexp
}

// startPebble starts pebble-challtestsrv (DNS: every name is 127.0.0.1)
// and Pebble, validating HTTP-01 on httpPort and TLS-ALPN-01 on tlsPort
// of 127.0.0.1; certificates are valid for validity seconds. With eab
// (key ID -> base64url MAC key), accounts need an external account binding.
func startPebble(t *testing.T, httpPort, tlsPort, validity int, eab map[string]string) *pebble {
	t.Helper()
	pebbleBin, challBin := lookTool(t, "pebble"), lookTool(t, "pebble-challtestsrv")
	tmp := t.TempDir()
	dns := "127.0.0.1:" + itoa(freePort(t))
	startProc(t, nil, challBin, "-dnsserver", dns, "-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "",
		"-management", "127.0.0.1:"+itoa(freePort(t)), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
	ca := newTestCA(t, tmp, "pebble-https")
	crt, key, _ := ca.issue(t, tmp, "pebble", false, "127.0.0.1", "localhost")
	// A free port may be taken again before Pebble binds it: a Pebble that
	// exits at once is started again on other ports.
	for attempt := 1; ; attempt++ {
		listen, mgmt := "127.0.0.1:"+itoa(freePort(t)), "127.0.0.1:"+itoa(freePort(t))
		cfg := map[string]any{"pebble": map[string]any{
			"listenAddress": listen, "managementListenAddress": mgmt,
			"certificate": crt, "privateKey": key, "httpPort": httpPort, "tlsPort": tlsPort,
			"ocspResponderURL": "", "externalAccountBindingRequired": eab != nil, "externalAccountMACKeys": eab,
			"retryAfter": map[string]int{"authz": 1, "order": 1}, "keyAlgorithm": "ecdsa",
			"profiles": map[string]any{"default": map[string]any{"description": "test", "validityPeriod": validity}},
		}}
		b, _ := json.Marshal(cfg)
		cfgFile := writeIn(t, tmp, "pebble.json", string(b))
		p := startProc(t, []string{"PEBBLE_VA_NOSLEEP=1", "PEBBLE_VA_ALWAYS_VALID=0", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=0"},
			pebbleBin, "-config", cfgFile, "-dnsserver", dns)
		if p.waitListening(listen) && p.waitListening(mgmt) {
			return &pebble{dir: "https://" + listen + "/dir", caFile: ca.file, mgmt: mgmt, proc: p}
		}
		if attempt == 3 {
			t.Fatalf("pebble did not start:\n%s", p.stop())
		}
		p.stop()
	}
}

// roots returns Pebble's issuing root, from its management endpoint.
func (pb *pebble) roots(t *testing.T) *x509.CertPool {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, pb.caFile)}}}
	resp, err := client.Get("https://" + pb.mgmt + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("pebble root: %q", b)
	}
	return pool
}

// issued counts the certificates Pebble issued.
func (pb *pebble) issued() int {
	return strings.Count(pb.proc.output(), "Issued certificate serial")
}

// acmeCaddyfile is the brief's Caddyfile with Pebble as the CA.
func acmeCaddyfile(pb *pebble, httpPort, tlsPort int, site string) string {
	return fmt.Sprintf("{\n\thttp_port %d\n\thttps_port %d\n\tacme_ca %s\n\tacme_ca_root %s\n}\n\n%s\n", httpPort, tlsPort, pb.dir, pb.caFile, site)
}

// getTLS fetches https://name:port/ from 127.0.0.1 with SNI name,
// verifying the chain against roots; it returns the body and the leaf.
func getTLS(t *testing.T, port int, name string, roots *x509.CertPool, certs ...tls.Certificate) (string, *x509.Certificate, error) {
	t.Helper()
	cfg := &tls.Config{ServerName: name, RootCAs: roots}
	if len(certs) > 0 { // sent even when the server's CA list does not name its issuer
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &certs[0], nil }
	}
	tr := &http.Transport{
		TLSClientConfig: cfg,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+itoa(port))
		},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 20 * time.Second}).Get(fmt.Sprintf("https://%s:%d/", name, port))
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp.TLS.PeerCertificates[0], err
}

// fetchNew is getTLS for a certificate just logged as obtained: certmagic
// logs it once stored and caches it just after, so handshakes are retried
// for a few seconds.
func fetchNew(t *testing.T, port int, name string, roots *x509.CertPool) (string, *x509.Certificate, error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		body, leaf, err := getTLS(t, port, name, roots)
		if err == nil || time.Now().After(deadline) {
			return body, leaf, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var obtainedRE = regexp.MustCompile(`"msg":"certificate obtained successfully".*"identifier":"([^"]+)"`)

// TestACMEPebble: zeroserve obtains a certificate for zs.test from Pebble
// over HTTP-01 (Pebble validates on zeroserve's HTTP listener) and over
// TLS-ALPN-01 (on its TLS listener), the other challenge disabled; the
// certificate verifies against Pebble's root, and both Go and curl get
// "ok" over it. Each challenge runs on one of the I/O backends.
func TestACMEPebble(t *testing.T) {
	for _, c := range []struct{ name, io, disable string }{
		{"http-01", "uring", "disable_tlsalpn_challenge"},
		{"tls-alpn-01", "epoll", "disable_http_challenge"},
	} {
		t.Run(c.name, func(t *testing.T) {
			httpPort, tlsPort := freePort(t), freePort(t)
			pb := startPebble(t, httpPort, tlsPort, 3600, nil)
			dir := t.TempDir()
			site := fmt.Sprintf("zs.test {\n\ttls {\n\t\tissuer acme {\n\t\t\t%s\n\t\t}\n\t}\n\trespond \"ok\"\n}\n", c.disable)
			cf := writeIn(t, dir, "Caddyfile", acmeCaddyfile(pb, httpPort, tlsPort, site))
			zs := startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf, "--io", c.io)
			zs.waitLog(obtainedRE, 60*time.Second)
			body, leaf, err := fetchNew(t, tlsPort, "zs.test", pb.roots(t))
			if err != nil || body != "ok" || leaf.DNSNames[0] != "zs.test" {
				t.Fatalf("GET: %q %v; log:\n%s", body, err, zs.output())
			}
			want := map[string]string{"http-01": `"challenge_type":"http-01"`, "tls-alpn-01": `"challenge_type":"tls-alpn-01"`}[c.name]
			if !strings.Contains(zs.output(), want) {
				t.Errorf("log lacks %s:\n%s", want, zs.output())
			}
			// Caddy's storage layout under $XDG_DATA_HOME/caddy.
			issuerDir := strings.NewReplacer("https://", "", ":", "-", "/", "-").Replace(pb.dir)
			if _, err := os.Stat(filepath.Join(dir, "caddy", "certificates", issuerDir, "zs.test", "zs.test.crt")); err != nil {
				t.Error(err)
			}
			if curl, err := exec.LookPath("curl"); err == nil {
				root := filepath.Join(dir, "root.pem")
				writeRoots(t, pb, root)
				out, err := exec.Command(curl, "-sS", "--cacert", root, "--resolve", fmt.Sprintf("zs.test:%d:127.0.0.1", tlsPort), fmt.Sprintf("https://zs.test:%d/", tlsPort)).CombinedOutput()
				if err != nil || string(out) != "ok" {
					t.Errorf("curl: %q %v", out, err)
				}
			}
		})
	}
}

// writeRoots stores Pebble's root as PEM for curl.
func writeRoots(t *testing.T, pb *pebble, file string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, pb.caFile)}}}
	resp, err := client.Get("https://" + pb.mgmt + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if blk, _ := pem.Decode(b); blk == nil {
		t.Fatalf("pebble root: %q", b)
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestACMEPebbleStorageReuse: a second start with the same storage serves
// the stored certificate and orders nothing from the CA.
func TestACMEPebbleStorageReuse(t *testing.T) {
	httpPort, tlsPort := freePort(t), freePort(t)
	pb := startPebble(t, httpPort, tlsPort, 3600, nil)
	dir := t.TempDir()
	cf := writeIn(t, dir, "Caddyfile", acmeCaddyfile(pb, httpPort, tlsPort, "zs.test {\n\trespond \"ok\"\n}\n"))
	roots := pb.roots(t)
	var serials []string
	for i, io := range backends {
		zs := startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf, "--io", io)
		if i == 0 {
			zs.waitLog(obtainedRE, 60*time.Second)
		} else {
			zs.waitLog(regexp.MustCompile(`listening on https://`), 60*time.Second)
		}
		body, leaf, err := fetchNew(t, tlsPort, "zs.test", roots)
		if err != nil || body != "ok" {
			t.Fatalf("start %d: %q %v; log:\n%s", i, body, err, zs.output())
		}
		serials = append(serials, leaf.SerialNumber.String())
		if log := zs.stop(); i == 1 && obtainedRE.MatchString(log) {
			t.Errorf("second start obtained a certificate:\n%s", log)
		}
	}
	if serials[0] != serials[1] || pb.issued() != 1 {
		t.Errorf("serials %v, %d certificates issued; want one reused", serials, pb.issued())
	}
}

var renewedRE = regexp.MustCompile(`"msg":"certificate renewed successfully"`)

// TestACMEPebbleRenewal: with 30-second certificates and a one-second
// renewal check, certmagic's maintenance renews the certificate while the
// server runs, and the new one is served; a restart renews a stored
// certificate that is due.
func TestACMEPebbleRenewal(t *testing.T) {
	httpPort, tlsPort := freePort(t), freePort(t)
	pb := startPebble(t, httpPort, tlsPort, 30, nil)
	dir := t.TempDir()
	cf := writeIn(t, dir, "Caddyfile", strings.Replace(acmeCaddyfile(pb, httpPort, tlsPort, "zs.test {\n\trespond \"ok\"\n}\n"),
		"{\n", "{\n\trenew_interval 1s\n", 1))
	zs := startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf)
	zs.waitLog(obtainedRE, 60*time.Second)
	roots := pb.roots(t)
	_, first, err := fetchNew(t, tlsPort, "zs.test", roots)
	if err != nil {
		t.Fatal(err)
	}
	zs.waitLog(renewedRE, 60*time.Second)
	// The renewed certificate is logged once stored, then replaces the
	// cached one.
	var second *x509.Certificate
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var body string
		body, second, err = getTLS(t, tlsPort, "zs.test", roots)
		if err != nil || body != "ok" {
			t.Fatalf("after renewal: %q %v", body, err)
		}
		if second.SerialNumber.Cmp(first.SerialNumber) != 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still serving serial %v after its renewal", first.SerialNumber)
		}
	}
	zs.stop()
	// A restart whose stored certificate is due (90% renewal window, three
	// seconds later) serves it at once and renews it without waiting for a
	// maintenance tick (one hour here).
	issuerDir := strings.NewReplacer("https://", "", ":", "-", "/", "-").Replace(pb.dir)
	pemBytes, err := os.ReadFile(filepath.Join(dir, "caddy", "certificates", issuerDir, "zs.test", "zs.test.crt"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(pemBytes)
	stored, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	cf = writeIn(t, dir, "Caddyfile", strings.Replace(acmeCaddyfile(pb, httpPort, tlsPort, "zs.test {\n\trespond \"ok\"\n}\n"),
		"{\n", "{\n\trenew_interval 1h\n\trenewal_window_ratio 0.9\n", 1))
	zs = startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf, "--io", "epoll")
	zs.waitLog(regexp.MustCompile(`listening on https://`), 60*time.Second)
	if _, third, err := getTLS(t, tlsPort, "zs.test", roots); err != nil || third.SerialNumber.Cmp(stored.SerialNumber) != 0 {
		t.Errorf("restart did not serve the stored certificate first: %v", err)
	}
	zs.waitLog(renewedRE, 30*time.Second)
}

// TestACMEPebbleEAB: with a CA that requires external account binding,
// `acme_eab` gets the account, and the certificate, as in Caddy.
func TestACMEPebbleEAB(t *testing.T) {
	httpPort, tlsPort := freePort(t), freePort(t)
	const kid, mac = "kid-1", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
	pb := startPebble(t, httpPort, tlsPort, 3600, map[string]string{kid: mac})
	dir := t.TempDir()
	cf := writeIn(t, dir, "Caddyfile", strings.Replace(acmeCaddyfile(pb, httpPort, tlsPort, "zs.test {\n\trespond \"ok\"\n}\n"),
		"{\n", fmt.Sprintf("{\n\tacme_eab {\n\t\tkey_id %s\n\t\tmac_key %s\n\t}\n", kid, mac), 1))
	zs := startProc(t, []string{"XDG_DATA_HOME=" + dir}, binary(t), "run", "--config", cf, "--io", "epoll")
	zs.waitLog(obtainedRE, 60*time.Second)
	if body, _, err := fetchNew(t, tlsPort, "zs.test", pb.roots(t)); err != nil || body != "ok" {
		t.Fatalf("GET: %q %v", body, err)
	}
}
