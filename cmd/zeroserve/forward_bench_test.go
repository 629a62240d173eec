package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/certs"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
)

// backendOK is the routing harness's upstream answer (a 1-worker nginx
// answering "backend ok"), with a fixed date.
const backendOK = "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Sat, 28 Nov 2026 17:00:00 GMT\r\n" +
	"Content-Type: text/plain\r\nContent-Length: 10\r\nConnection: keep-alive\r\n\r\nbackend ok"

// startBackendOK serves backendOK to every request head on keep-alive
// connections at a free 127.0.0.1 port, until the benchmark ends.
func startBackendOK(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				resp := []byte(backendOK)
				for {
					line, err := r.ReadSlice('\n')
					if err != nil {
						return
					}
					if len(line) <= 2 { // the blank line ending a head
						if _, err := c.Write(resp); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// freeLocalPort returns a 127.0.0.1 port that was free a moment ago.
func freeLocalPort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// proxyRequest is the routing harness's request to its first proxy site.
var proxyRequest = []byte("GET /api/x HTTP/1.1\r\nHost: host0000.bench\r\n\r\n")

// startCaddyProxySite serves the routing harness's reverse_proxy site as
// `zeroserve run` does (one io_uring loop, 127.0.0.1, an upstream
// answering "backend ok"), with the Caddyfile lines opts in the
// reverse_proxy block, and returns a keep-alive connection to it that got
// one answer to proxyRequest, and that answer's length (every answer has
// it).
func startCaddyProxySite(tb testing.TB, opts string) (net.Conn, int) {
	tb.Helper()
	tb.Setenv("XDG_DATA_HOME", tb.TempDir()) // certificate storage, unused by an http:// site
	up := startBackendOK(tb)
	port := freeLocalPort(tb)
	file := filepath.Join(tb.TempDir(), "Caddyfile")
	src := fmt.Sprintf("{\n\tdefault_bind 127.0.0.1\n}\nhttp://host0000.bench:%d {\n\treverse_proxy %s {\n%s\n\t}\n}\n", port, up, opts)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	cfg, err := parseConfig(file, "", io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	cm, err := certs.New(cfg, certs.Options{HTTPPort: port})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cm.Stop)
	if err := cm.AutoHTTPS(cfg); err != nil {
		tb.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	sf := serveFlags{threads: 1, io: "uring", disableRequestLogging: true}
	scf := scriptFlags{jit: "auto", fuel: script.DefaultFuel, rateBuckets: helpers.DefaultRateLimitBuckets, memBudget: helpers.DefaultMemoryBudget}
	if len(prog.Servers) != 1 {
		tb.Fatalf("%d servers", len(prog.Servers))
	}
	s, err := startSite(&sf, &scf, cfg, prog, prog.Servers[0], cm, io.Discard)
	if s != nil {
		tb.Cleanup(func() {
			for _, srv := range s.servers {
				srv.Close()
			}
			s.rl.Close()
		})
	}
	if err != nil {
		tb.Fatal(err)
	}
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	c.Write(proxyRequest)
	first := make([]byte, 4096)
	n, err := c.Read(first)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.HasPrefix(first[:n], []byte("HTTP/1.1 200")) || !bytes.HasSuffix(first[:n], []byte("\r\n\r\nbackend ok")) {
		tb.Fatalf("response %q", first[:n])
	}
	return c, n
}

// BenchmarkCaddyProxy is one keep-alive request through the routing
// harness's compiled reverse_proxy site (startCaddyProxySite) over
// loopback, as it is ("harness") and with header_up and header_down
// ("edits"); the client's and the upstream's own work are part of the
// time and of cpu-ns/op (the process's CPU time per request), their
// allocations show under their own stacks in -memprofile.
func BenchmarkCaddyProxy(b *testing.B) {
	for _, v := range []struct{ name, opts string }{
		{"harness", ""},
		{"edits", "\t\theader_up X-Upstream {http.reverse_proxy.upstream.hostport}\n\t\theader_down X-Proxied yes"},
	} {
		b.Run(v.name, func(b *testing.B) { benchCaddyProxy(b, v.opts) })
	}
}

func benchCaddyProxy(b *testing.B, opts string) {
	c, n := startCaddyProxySite(b, opts)
	resp := make([]byte, n)
	b.ReportAllocs()
	cpu0 := processCPU(b)
	for b.Loop() {
		if _, err := c.Write(proxyRequest); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, resp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time this process has used, in
// nanoseconds (the server, the client and the upstream together).
func processCPU(tb testing.TB) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
