package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// BenchmarkProxy measures one keep-alive GET through the proxy to a
// net/http upstream on loopback, client to proxy on one connection: a
// small buffered response, and a 1 MiB streamed one.
func BenchmarkProxy(b *testing.B) {
	big := bytes.Repeat([]byte("z"), 1<<20)
	for _, size := range []int{12, len(big)} {
		for _, be := range []loop.Backend{loop.IOUring, loop.Epoll} {
			b.Run(be.String()+"/"+strconv.Itoa(size), func(b *testing.B) { benchProxy(b, be, big[:size]) })
		}
	}
}

func benchProxy(b *testing.B, be loop.Backend, body []byte) {
	ts, accepted := countingUpstream(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	}))
	p, base := startProxy(b, be, Config{Upstream: ts.URL})
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req := []byte("GET /bench HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	b.SetBytes(int64(len(body)))
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
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n != int64(len(body)) {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
	b.StopTimer()
	if n := accepted.Load(); n > 2 {
		b.Errorf("%d upstream connections, stats %+v", n, p.Stats())
	}
}
