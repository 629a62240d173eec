package server

import (
	"bytes"
	"crypto/tls"
	"io"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// BenchmarkServe measures one keep-alive request/response round trip
// through the real loop over loopback, per backend.
func BenchmarkServe(b *testing.B) {
	for _, be := range []loop.Backend{loop.IOUring, loop.Epoll} {
		b.Run(be.String(), func(b *testing.B) {
			st, _ := NewStatic(200, "hello, world")
			s := startServer(b, be, Config{Handler: st})
			c := dial(b, s)
			req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			c.Write(req)
			first := make([]byte, 4096)
			n, err := c.Read(first)
			if err != nil {
				b.Fatal(err)
			}
			if !bytes.HasSuffix(first[:n], []byte("hello, world")) {
				b.Fatalf("response %q", first[:n])
			}
			resp := make([]byte, n) // every response has the same length
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, resp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServeTLS is BenchmarkServe over TLS 1.3 (one handshake, then
// keep-alive requests).
func BenchmarkServeTLS(b *testing.B) {
	p := newTestPKI(b)
	cs, err := LoadCertDir(p.dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, be := range []loop.Backend{loop.IOUring, loop.Epoll} {
		b.Run(be.String(), func(b *testing.B) {
			st, _ := NewStatic(200, "hello, world")
			s := startServer(b, be, Config{Handler: st, TLS: cs.TLSConfig(), TLSAddr: "127.0.0.1:0", Addr: ""})
			c, err := tls.Dial("tcp", s.TLSAddr().String(), &tls.Config{ServerName: "a.test", RootCAs: p.pool})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			req := []byte("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")
			c.Write(req)
			first := make([]byte, 4096)
			n, err := c.Read(first)
			if err != nil || !bytes.HasSuffix(first[:n], []byte("hello, world")) {
				b.Fatalf("response %q %v", first[:n], err)
			}
			resp := make([]byte, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(c, resp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAdvance measures the state machine alone: parse, static
// handler, response, on a keep-alive connection without I/O.
func BenchmarkAdvance(b *testing.B) {
	st, _ := NewStatic(200, "hello, world")
	c := offlineConn(b, st)
	req := []byte("GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(req)))
	for range b.N {
		c.out = c.out[:0]
		c.feed(req)
	}
}
