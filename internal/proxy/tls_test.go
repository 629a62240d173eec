package proxy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
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
