package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// connInfoDoc is what zs_connection_info returns, as the test reads it.
type connInfoDoc struct {
	TLS          bool    `json:"tls"`
	HandshakeOK  bool    `json:"tls_handshake_complete"`
	ALPN         *string `json:"alpn"`
	SNI          struct{ Inner, Outer *string }
	ECH          any `json:"ech"`
	Fingerprint  struct{ JA4 *string }
	TLSClientDoc struct {
		Certificate *struct {
			FingerprintSHA256 string `json:"fingerprint_sha256"`
			Subject, Issuer   string
			Serial            string
		}
		Chain []string `json:"chain_fingerprints_sha256"`
	} `json:"tls_client"`
}

// clientCert makes a self-signed client certificate.
func clientCert(t *testing.T) tls.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x1234), Subject: pkix.Name{CommonName: "client one", Organization: []string{"ZS"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestConnectionInfoAndBody: zs_connection_info over plain HTTP and over
// TLS (ALPN, SNI, a JA4 of the ClientHello, the client certificate), and
// zs_req_body_json on a real request body, on both backends.
func TestConnectionInfoAndBody(t *testing.T) {
	p := newTestPKI(t)
	cert := clientCert(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		h, err := script.NewHelpers()
		if err != nil {
			t.Fatal(err)
		}
		sc, err := script.LoadFile(filepath.Join("..", "script", "testdata", "plugin_set.o"), h, script.Options{JIT: vm.JITAuto})
		if err != nil {
			t.Fatal(err)
		}
		chain := script.NewChain(sc)
		t.Cleanup(chain.Close)
		handler := &Scripts{Chain: chain}
		plain := startServer(t, b, Config{Handler: handler})
		cs, err := LoadCertDir(p.dir)
		if err != nil {
			t.Fatal(err)
		}
		cfg := cs.TLSConfig()
		cfg.ClientAuth = tls.RequestClientCert
		secure := startServer(t, b, Config{Handler: handler, TLS: cfg, TLSAddr: "127.0.0.1:0"})

		read := func(c *http.Client, url string) connInfoDoc {
			t.Helper()
			resp, err := c.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			var d connInfoDoc
			if err := json.Unmarshal(body, &d); err != nil {
				t.Fatalf("%s: %v in %q", url, err, body)
			}
			return d
		}
		d := read(&http.Client{Timeout: testTimeout}, "http://"+plain.Addr().String()+"/?op=conn")
		if d.TLS || d.HandshakeOK || d.ALPN != nil || d.SNI.Inner != nil || d.Fingerprint.JA4 != nil || d.TLSClientDoc.Certificate != nil || d.TLSClientDoc.Chain == nil {
			t.Errorf("plain: %+v", d)
		}

		dialer := &net.Dialer{Timeout: testTimeout}
		client := &http.Client{Timeout: testTimeout, Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, "tcp", secure.TLSAddr().String())
			},
			TLSClientConfig: &tls.Config{RootCAs: p.pool, NextProtos: []string{"http/1.1"}, Certificates: []tls.Certificate{cert}},
		}}
		d = read(client, "https://a.test/?op=conn")
		if !d.TLS || !d.HandshakeOK || d.ALPN == nil || *d.ALPN != "http/1.1" || d.SNI.Inner == nil || *d.SNI.Outer != "a.test" || d.ECH != nil {
			t.Errorf("tls: %+v", d)
		}
		if d.Fingerprint.JA4 == nil || !regexp.MustCompile(`^t13d\d{4}h1_[0-9a-f]{12}_[0-9a-f]{12}$`).MatchString(*d.Fingerprint.JA4) {
			t.Errorf("ja4 %v", d.Fingerprint.JA4)
		}
		sum := sha256.Sum256(cert.Certificate[0])
		fp := hex.EncodeToString(sum[:])
		if c := d.TLSClientDoc.Certificate; c == nil || c.FingerprintSHA256 != fp || c.Subject != "CN=client one,O=ZS" || c.Issuer != c.Subject || c.Serial != "1234" {
			t.Errorf("client certificate %+v", c)
		}
		if len(d.TLSClientDoc.Chain) != 1 || d.TLSClientDoc.Chain[0] != fp {
			t.Errorf("chain %v", d.TLSClientDoc.Chain)
		}

		resp, err := http.Post("http://"+plain.Addr().String()+"/?op=body", "application/json", strings.NewReader(`{"a": [1, {"b": null}]}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != `{"a":[1,{"b":null}]}` {
			t.Errorf("body json: %d %q", resp.StatusCode, body)
		}
	})
}
