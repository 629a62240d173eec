package server

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/script"
)

// benchCaddyfile is the routing harness's route-only Caddyfile
// (../shared/bench/routing-bench) with n sites.
func benchCaddyfile(n int) string {
	var src strings.Builder
	for i := range n {
		fmt.Fprintf(&src, "http://host%04d.bench {\n\t@api path /api/*\n\trespond @api \"api %d\" 200\n", i, i)
		fmt.Fprintf(&src, "\t@item path_regexp item ^/items/([a-z0-9-]+)$\n\trespond @item \"item %d\" 200\n", i)
		fmt.Fprintf(&src, "\thandle /static/* {\n\t\trespond \"static %d\" 200\n\t}\n\trespond \"root %d\" 200\n}\n", i, i)
	}
	return src.String()
}

// compiledScripts returns a Scripts handler serving a compiled Caddyfile.
func compiledScripts(tb testing.TB, src string) *Scripts {
	tb.Helper()
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		tb.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	obj, err := compile.Compile(prog, compile.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := script.NewHelpers()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := script.LoadObject("caddy", elf, h, script.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	ch := script.NewChain(s)
	tb.Cleanup(func() { ch.Close() })
	return &Scripts{Chain: ch}
}

// BenchmarkAdvanceCompiled is BenchmarkAdvance with the routing harness's
// compiled Caddyfile (8 sites) as the handler: parse, copy the request for
// the program, route, respond, on a keep-alive connection without I/O.
func BenchmarkAdvanceCompiled(b *testing.B) {
	h := compiledScripts(b, benchCaddyfile(8))
	for _, p := range []struct{ name, host, path string }{
		{"first", "host0000.bench", "/api/x"},
		{"last-re", "host0007.bench", "/items/abc-123"},
		{"miss", "nomatch.bench", "/api/x"},
	} {
		b.Run(p.name, func(b *testing.B) {
			c := offlineConn(b, h)
			req := []byte("GET " + p.path + " HTTP/1.1\r\nHost: " + p.host + "\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
			c.feed(req)
			if !strings.HasPrefix(string(c.out), "HTTP/1.1 200") {
				b.Fatalf("response %q", c.out)
			}
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU(b)
			for b.Loop() {
				c.out = c.out[:0]
				c.feed(req)
			}
			b.ReportMetric(float64(threadCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// threadCPU is the CPU time of the calling thread in nanoseconds: unlike
// ns/op it does not count the time other processes of a noisy machine
// take the CPU.
func threadCPU(tb testing.TB) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		tb.Fatal(err)
	}
	return ts.Nano()
}
