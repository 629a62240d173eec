//go:build !race

package main

import (
	"bytes"
	"io"
	"testing"
)

// TestCaddyProxyAllocs keeps the allocation budget of a request through a
// compiled reverse_proxy site: the request copy the scripts see is the
// one allocation (BenchmarkCaddyProxy); a little room is left for the
// runtime's own.
func TestCaddyProxyAllocs(t *testing.T) {
	c, n := startCaddyProxySite(t, "")
	resp := make([]byte, n)
	allocs := testing.AllocsPerRun(500, func() {
		if _, err := c.Write(proxyRequest); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, resp); err != nil {
			t.Fatal(err)
		}
	})
	if !bytes.HasSuffix(resp, []byte("backend ok")) {
		t.Fatalf("response %q", resp)
	}
	if allocs > 3 {
		t.Errorf("%v allocations per proxied request, want at most 3", allocs)
	}
}
