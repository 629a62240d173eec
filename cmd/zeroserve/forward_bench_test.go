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

// BenchmarkCaddyProxy is one keep-alive request through the routing
// harness's compiled reverse_proxy site (`zeroserve run` on one io_uring
// loop, over loopback) to an upstream answering "backend ok"; the
// client's and the upstream's own work are part of the time and of
// cpu-ns/op (the process's CPU time per request), their allocations show
// under their own stacks in -memprofile.
func BenchmarkCaddyProxy(b *testing.B) {
	b.Setenv("XDG_DATA_HOME", b.TempDir()) // certificate storage, unused by an http:// site
	up := startBackendOK(b)
	port := freeLocalPort(b)
	file := filepath.Join(b.TempDir(), "Caddyfile")
	src := fmt.Sprintf("{\n\tdefault_bind 127.0.0.1\n}\nhttp://host0000.bench:%d {\n\treverse_proxy %s\n}\n", port, up)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := parseConfig(file, "", io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	cm, err := certs.New(cfg, certs.Options{HTTPPort: port})
	if err != nil {
		b.Fatal(err)
	}
	defer cm.Stop()
	if err := cm.AutoHTTPS(cfg); err != nil {
		b.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		b.Fatal(err)
	}
	sf := serveFlags{threads: 1, io: "uring", disableRequestLogging: true}
	scf := scriptFlags{jit: "auto", fuel: script.DefaultFuel, rateBuckets: helpers.DefaultRateLimitBuckets, memBudget: helpers.DefaultMemoryBudget}
	if len(prog.Servers) != 1 {
		b.Fatalf("%d servers", len(prog.Servers))
	}
	s, err := startSite(&sf, &scf, cfg, prog, prog.Servers[0], cm, io.Discard)
	if s != nil {
		defer func() {
			for _, srv := range s.servers {
				srv.Close()
			}
			s.rl.Close()
		}()
	}
	if err != nil {
		b.Fatal(err)
	}
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /api/x HTTP/1.1\r\nHost: host0000.bench\r\n\r\n")
	c.Write(req)
	first := make([]byte, 4096)
	n, err := c.Read(first)
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.HasPrefix(first[:n], []byte("HTTP/1.1 200")) || !bytes.HasSuffix(first[:n], []byte("\r\n\r\nbackend ok")) {
		b.Fatalf("response %q", first[:n])
	}
	resp := make([]byte, n) // every response has the same length
	b.ReportAllocs()
	cpu0 := processCPU(b)
	for b.Loop() {
		if _, err := c.Write(req); err != nil {
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
