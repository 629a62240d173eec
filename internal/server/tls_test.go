package server

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// testPKI is a CA and a --cert-dir holding a.test and b.test certificates.
type testPKI struct {
	pool   *x509.CertPool
	caFile string
	dir    string
}

func newTestPKI(t testing.TB) *testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zeroserve test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	p := &testPKI{pool: x509.NewCertPool(), caFile: filepath.Join(dir, "ca.pem"), dir: filepath.Join(dir, "certs")}
	p.pool.AddCert(ca)
	os.WriteFile(p.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600)
	os.Mkdir(p.dir, 0o700)
	for i, name := range []string{"a.test", "b.test"} {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i + 2)), Subject: pkix.Name{CommonName: name},
			DNSNames: []string{name}, NotBefore: ca.NotBefore, NotAfter: ca.NotAfter,
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
		os.WriteFile(filepath.Join(p.dir, name+".crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
		os.WriteFile(filepath.Join(p.dir, name+".key"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	}
	return p
}

// startTLS starts a server with an HTTPS listener for p's certificates.
func startTLS(t *testing.T, b loop.Backend, p *testPKI, cfg Config) *Server {
	t.Helper()
	cs, err := LoadCertDir(p.dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = cs.TLSConfig()
	cfg.TLSAddr = "127.0.0.1:0"
	cfg.Addr = ""
	return startServer(t, b, cfg)
}

// tlsClient returns an HTTP client that reaches s for any host name.
func tlsClient(s *Server, p *testPKI, version uint16, cache tls.ClientSessionCache) *http.Client {
	d := &net.Dialer{Timeout: testTimeout}
	return &http.Client{Timeout: testTimeout, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", s.TLSAddr().String())
		},
		TLSClientConfig:   &tls.Config{RootCAs: p.pool, MinVersion: version, MaxVersion: version, ClientSessionCache: cache, NextProtos: []string{"http/1.1"}},
		ForceAttemptHTTP2: false,
	}}
}

func TestTLS(t *testing.T) {
	p := newTestPKI(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startTLS(t, b, p, Config{Handler: echo, Threads: 2})
		for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			t.Run(tls.VersionName(v), func(t *testing.T) {
				client := tlsClient(s, p, v, nil)
				for i, host := range []string{"a.test", "b.test", "a.test", "b.test"} {
					body := strings.Repeat("x", 100000) // several TLS records each way
					resp, err := client.Post(fmt.Sprintf("https://%s/%d", host, i), "text/plain", strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if want := fmt.Sprintf("POST /%d  %q", i, body); string(got) != want {
						t.Fatalf("%s: body of %d bytes, want %d", host, len(got), len(want))
					}
					if cn := resp.TLS.PeerCertificates[0].Subject.CommonName; cn != host || resp.TLS.Version != v {
						t.Fatalf("%s: certificate %s, version %x", host, cn, resp.TLS.Version)
					}
					if resp.TLS.NegotiatedProtocol != "http/1.1" {
						t.Fatalf("ALPN %q", resp.TLS.NegotiatedProtocol)
					}
				}
			})
		}
	})
}

func TestTLSResumption(t *testing.T) {
	p := newTestPKI(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startTLS(t, b, p, Config{Handler: echo})
		for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
			cache := tls.NewLRUClientSessionCache(4)
			var resumed []bool
			for range 2 {
				c, err := tls.Dial("tcp", s.TLSAddr().String(), &tls.Config{
					ServerName: "a.test", RootCAs: p.pool, MinVersion: v, MaxVersion: v, ClientSessionCache: cache})
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(testTimeout))
				io.WriteString(c, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")
				readResponse(t, bufio.NewReader(c), "GET") // TLS 1.3 tickets arrive after the handshake
				resumed = append(resumed, c.ConnectionState().DidResume)
				c.Close()
			}
			if resumed[0] || !resumed[1] {
				t.Fatalf("%s: resumed = %v, want [false true]", tls.VersionName(v), resumed)
			}
		}
	})
}

// A client that stalls mid-handshake (with the only handshake slot, or
// before finishing its ClientHello) does not delay others.
func TestTLSStalledHandshake(t *testing.T) {
	p := newTestPKI(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startTLS(t, b, p, Config{Handler: echo, MaxHandshakes: 1})
		// A partial ClientHello: record header announcing 512 bytes, 10 sent.
		partial, err := net.Dial("tcp", s.TLSAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer partial.Close()
		partial.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00, 1, 0, 1, 252, 3})
		// A full ClientHello, then silence: it holds the handshake slot
		// until the server's flight is answered, which never happens.
		silent, err := net.Dial("tcp", s.TLSAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		stall := &stallAfterHello{Conn: silent, done: make(chan struct{})}
		defer close(stall.done)
		go tls.Client(stall, &tls.Config{ServerName: "a.test", RootCAs: p.pool}).Handshake()
		time.Sleep(50 * time.Millisecond) // the silent one took the slot (not a correctness wait)
		client := tlsClient(s, p, tls.VersionTLS13, nil)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get(fmt.Sprintf("https://b.test/%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
	})
}

// stallAfterHello sends the ClientHello, then neither writes nor reads
// until done is closed.
type stallAfterHello struct {
	net.Conn
	wrote bool
	done  chan struct{}
}

func (s *stallAfterHello) Write(b []byte) (int, error) {
	if s.wrote {
		<-s.done
		return 0, net.ErrClosed
	}
	s.wrote = true
	return s.Conn.Write(b)
}

func (s *stallAfterHello) Read([]byte) (int, error) {
	<-s.done
	return 0, net.ErrClosed
}
