package server

import (
	"crypto/tls"
	"io"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// TestACMETLSALPNCloses: a handshake that negotiates acme-tls/1 (an ACME
// TLS-ALPN-01 validation) completes, and then the server closes the
// connection without serving HTTP on it; http/1.1 still works.
func TestACMETLSALPNCloses(t *testing.T) {
	p := newTestPKI(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		cs, err := LoadCertDir(p.dir)
		if err != nil {
			t.Fatal(err)
		}
		base := cs.TLSConfig()
		base.NextProtos = []string{"http/1.1", acmeTLSALPN}
		s := startServer(t, b, Config{Handler: echo, Threads: 1, TLSAddr: "127.0.0.1:0", TLS: &tls.Config{
			GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { return base, nil },
		}})
		for _, proto := range []string{acmeTLSALPN, "http/1.1"} {
			c, err := tls.Dial("tcp", s.TLSAddr().String(), &tls.Config{ServerName: "a.test", RootCAs: p.pool, NextProtos: []string{proto}})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.ConnectionState().NegotiatedProtocol; got != proto {
				t.Fatalf("ALPN %q, want %q", got, proto)
			}
			c.SetDeadline(time.Now().Add(testTimeout))
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")
			n, err := c.Read(make([]byte, 512))
			c.Close()
			if proto == acmeTLSALPN && (n != 0 || err != io.EOF) {
				t.Errorf("acme-tls/1: read %d bytes, %v; want EOF", n, err)
			}
			if proto == "http/1.1" && n == 0 {
				t.Errorf("http/1.1: no response: %v", err)
			}
		}
	})
}
