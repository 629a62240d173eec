package compile

import (
	"testing"
)

// TestConfigParsedOnce checks that the helpers keep each configuration
// they parsed in the program's cache: a second identical request adds
// nothing, a request reaching other routes adds their configurations.
func TestConfigParsedOnce(t *testing.T) {
	elf := compileCaddyfile(t, "http://a.example {\n\t@api path /api/*\n\trespond @api \"api\"\n\trespond \"site\"\n}\nhttp://b.example {\n\trespond \"b\"\n}\n")
	for _, jit := range engines {
		ch := load(t, elf, jit)
		cache := ch.Scripts()[0].Program().Cache()
		count := cache.Len
		serve(t, ch, get("a.example/api/x"))
		first := count()
		if first == 0 {
			t.Fatalf("%v: nothing cached after a request", jit)
		}
		serve(t, ch, get("a.example/api/x"))
		if n := count(); n != first {
			t.Errorf("%v: the same request grew the cache from %d to %d entries", jit, first, n)
		}
		serve(t, ch, get("b.example/"))
		if n := count(); n <= first {
			t.Errorf("%v: a request to another site left the cache at %d entries", jit, n)
		}
	}
}
