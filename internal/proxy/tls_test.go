package proxy

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// selfSigned returns a certificate for "localhost" and its pool.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestTLSClient proxies for HTTPS clients: X-Forwarded-Proto is https, and
// a streamed response and upload go through the TLS layer.
func TestTLSClient(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := io.Copy(io.Discard, r.Body)
			w.Header().Set("X-Proto", r.Header.Get("X-Forwarded-Proto"))
			w.Header().Set("X-Got", itoa(int(n)))
			w.Write([]byte(strings.Repeat("s", 300000)))
		}))
		p, err := New(Config{Upstream: ts.URL})
		if err != nil {
			t.Fatal(err)
		}
		cert, pool := selfSigned(t)
		s, err := server.New(server.Config{TLSAddr: "127.0.0.1:0", Threads: 1, Backend: b, Handler: p,
			TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
		if err != nil {
			if errors.Is(err, loop.ErrNotSupported) {
				t.Skip(err)
			}
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		c := &http.Client{Timeout: testTimeout, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}}}
		resp, err := c.Post("https://"+s.TLSAddr().String()+"/", "application/octet-stream", strings.NewReader(strings.Repeat("u", 200000)))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || len(body) != 300000 || resp.Header.Get("X-Proto") != "https" || resp.Header.Get("X-Got") != "200000" {
			t.Fatalf("%d bytes, %v, headers %v", len(body), err, resp.Header)
		}
	})
}

func TestHTTPSUpstream(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := io.Copy(io.Discard, r.Body)
			w.Header().Set("X-Got", itoa(int(n)))
			w.Header().Set("X-TLS", r.TLS.ServerName+" "+tls.VersionName(r.TLS.Version))
			size, _ := strconv.Atoi(r.URL.Query().Get("size"))
			w.Write(bytes.Repeat([]byte("t"), size))
		}))
		var accepted atomic.Int64
		ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				accepted.Add(1)
			}
		}
		ts.StartTLS()
		defer ts.Close()
		roots := x509.NewCertPool()
		roots.AddCert(ts.Certificate())
		p, base := startProxy(t, b, Config{Upstream: ts.URL, TLS: &tls.Config{RootCAs: roots}})
		c := client(t)
		for i, tc := range []struct{ up, down int }{{0, 10}, {0, 3 << 20}, {2 << 20, 100}, {5, 5}} {
			resp, err := c.Post(fmt.Sprintf("%s/?size=%d", base, tc.down), "application/octet-stream", bytes.NewReader(make([]byte, tc.up)))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(body) != tc.down || resp.Header.Get("X-Got") != itoa(tc.up) {
				t.Fatalf("request %d: status %d, %d bytes, %v, headers %v", i, resp.StatusCode, len(body), err, resp.Header)
			}
			if !strings.HasSuffix(resp.Header.Get("X-TLS"), "TLS 1.3") { // no SNI for an IP
				t.Errorf("upstream TLS %q", resp.Header.Get("X-TLS"))
			}
		}
		if n := accepted.Load(); n != 1 {
			t.Errorf("%d upstream TLS connections for 4 sequential requests, stats %+v", n, p.Stats())
		}
		// A client that does not read pauses the TLS upstream; plaintext
		// already decrypted waits, and all of it arrives once it reads.
		resp, err := c.Get(base + "/?size=" + itoa(24<<20))
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(testTimeout)
		for p.Stats().Pauses == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no pause for a client that does not read")
			}
			time.Sleep(5 * time.Millisecond)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != 24<<20 {
			t.Fatalf("read %d bytes, %v", n, err)
		}
		// An upstream whose certificate does not verify is a 502.
		_, bad := startProxy(t, b, Config{Upstream: ts.URL})
		resp, err = c.Get(bad + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 {
			t.Errorf("unverified upstream: status %d, want 502", resp.StatusCode)
		}
	})
}
