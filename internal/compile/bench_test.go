package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// BenchmarkHostDispatch serves the first, the last and a missing host of
// 256 sites (each with an /api/* route and a fallback) on both engines:
// with the O(1) dispatch the last site costs what the first does.
func BenchmarkHostDispatch(b *testing.B) {
	var src strings.Builder
	for i := range 256 {
		fmt.Fprintf(&src, "http://site%d.example {\n\t@api path /api/*\n\trespond @api \"api\"\n\trespond \"site\"\n}\n", i)
	}
	elf := compileCaddyfile(b, src.String())
	for _, jit := range engines {
		ch := load(b, elf, jit)
		for _, host := range []string{"site0.example", "site255.example", "miss.example"} {
			b.Run(fmt.Sprintf("%v/%s", jit, host), func(b *testing.B) {
				ex := &helpers.Exchange{Meta: map[string]string{}}
				b.ReportAllocs()
				for b.Loop() {
					ex.Reset()
					ex.Req.Method, ex.Req.Path = "GET", "/index.html"
					ex.Req.Header = append(ex.Req.Header, helpers.Field{Name: "Host", Value: host})
					if err := ch.Run(ex, script.DefaultFuel); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRoute runs the routing harness's Caddyfile (../shared/bench/
// routing-bench, route-only mode) through the compiled program alone, at
// N=8 and N=256 sites, for its four probes: first (host0000 /api/x), last
// (the last host /api/x), last-re (the last host, the path_regexp route)
// and miss (no site).
func BenchmarkRoute(b *testing.B) {
	for _, n := range []int{8, 256} {
		var src strings.Builder
		for i := range n {
			fmt.Fprintf(&src, "http://host%04d.bench {\n\t@api path /api/*\n\trespond @api \"api %d\" 200\n", i, i)
			fmt.Fprintf(&src, "\t@item path_regexp item ^/items/([a-z0-9-]+)$\n\trespond @item \"item %d\" 200\n", i)
			fmt.Fprintf(&src, "\thandle /static/* {\n\t\trespond \"static %d\" 200\n\t}\n\trespond \"root %d\" 200\n}\n", i, i)
		}
		elf := compileCaddyfile(b, src.String())
		last := fmt.Sprintf("host%04d.bench", n-1)
		probes := []struct{ name, host, path string }{
			{"first", "host0000.bench", "/api/x"},
			{"last", last, "/api/x"},
			{"last-re", last, "/items/abc-123"},
			{"miss", "nomatch.bench", "/api/x"},
		}
		for _, jit := range engines {
			ch := load(b, elf, jit)
			for _, p := range probes {
				b.Run(fmt.Sprintf("N=%d/%v/%s", n, jit, p.name), func(b *testing.B) {
					ex := &helpers.Exchange{Meta: map[string]string{}}
					b.ReportAllocs()
					for b.Loop() {
						ex.Reset()
						ex.Req.Method, ex.Req.Path = "GET", p.path
						ex.Req.Header = append(ex.Req.Header, helpers.Field{Name: "Host", Value: p.host})
						if err := ch.Run(ex, script.DefaultFuel); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkStartup256 is the startup path of a 256-site Caddyfile (the
// routing harness's sites) as `zeroserve run` takes it: adapt, parse,
// lower, compile, load the compiled object (validate, link, JIT) without
// the ELF round trip (script.LoadCompiled).
func BenchmarkStartup256(b *testing.B) {
	var src strings.Builder
	for i := range 256 {
		fmt.Fprintf(&src, "http://host%04d.bench {\n\t@api path /api/*\n\trespond @api \"api %d\" 200\n", i, i)
		fmt.Fprintf(&src, "\t@item path_regexp item ^/items/([a-z0-9-]+)$\n\trespond @item \"item %d\" 200\n", i)
		fmt.Fprintf(&src, "\thandle /static/* {\n\t\trespond \"static %d\" 200\n\t}\n\trespond \"root %d\" 200\n}\n", i, i)
	}
	h, err := script.NewHelpers()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		js, _, err := caddyfile.Adapt("Caddyfile", []byte(src.String()))
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := caddyconf.Parse(js)
		if err != nil {
			b.Fatal(err)
		}
		prog, err := caddyconf.Lower(cfg)
		if err != nil {
			b.Fatal(err)
		}
		obj, err := Compile(prog, Options{})
		if err != nil {
			b.Fatal(err)
		}
		s, err := script.LoadCompiled("caddy", obj, h, script.Options{JIT: vm.JITAuto})
		if err != nil {
			b.Fatal(err)
		}
		s.Program().Close()
	}
}
