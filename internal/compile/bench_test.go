package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/script"
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
