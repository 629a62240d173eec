package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// BenchmarkProxy measures one keep-alive GET through the proxy to a
// net/http upstream on loopback, client to proxy on one connection.
func BenchmarkProxy(b *testing.B) {
	for _, be := range []loop.Backend{loop.IOUring, loop.Epoll} {
		b.Run(be.String(), func(b *testing.B) {
			ts, accepted := countingUpstream(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "hello, world")
			}))
			p, base := startProxy(b, be, Config{Upstream: ts.URL})
			c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReader(c)
			req := []byte("GET /bench HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.StopTimer()
			if n := accepted.Load(); n > 2 {
				b.Errorf("%d upstream connections, stats %+v", n, p.Stats())
			}
		})
	}
}
