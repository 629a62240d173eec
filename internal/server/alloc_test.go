//go:build !race

package server

import "testing"

// TestZeroAllocKeepAlive asserts the budget of the fast path: parsing a
// keep-alive request, running a static handler and writing its response
// allocates nothing.
func TestZeroAllocKeepAlive(t *testing.T) {
	st, _ := NewStatic(200, "hello, world")
	c := offlineConn(t, st)
	req := []byte("GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	c.feed(req) // warm up the buffers
	allocs := testing.AllocsPerRun(1000, func() {
		c.out = c.out[:0]
		c.feed(req)
		if len(c.out) == 0 || c.state != stateReadHead {
			t.Fatalf("no response, state %v", c.state)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per request, want 0", allocs)
	}
}
