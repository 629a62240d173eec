package server

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/script"
)

// respondChain is a chain whose one compiled Caddy config answers body.
func respondChain(t *testing.T, body string) *script.Chain {
	t.Helper()
	h, err := script.NewHelpers()
	if err != nil {
		t.Fatal(err)
	}
	e := compileStatic(t, `{"apps":{"http":{"servers":{"srv0":{"listen":[":0"],"routes":[{"handle":[{"handler":"static_response","body":"`+body+`"}]}]}}}}}`)
	s, err := script.LoadObject("caddy", e, h, script.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return script.NewChain(s)
}

// TestReloadSwap: a swap takes effect for the next request; a generation
// still in use closes only when its last request is done; Close releases
// the current one.
func TestReloadSwap(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		var log syncBuffer
		rl := NewReloadable(&Scripts{Chain: respondChain(t, "gen 1"), Log: &log})
		srv := startServer(t, b, Config{Handler: rl})
		if _, body := get(t, srv, "/"); body != "gen 1" || rl.Generation() != 1 {
			t.Fatalf("generation %d answered %q", rl.Generation(), body)
		}
		if n := rl.Swap(respondChain(t, "gen 2")); n != 2 || rl.Closed() != 1 {
			t.Fatalf("swap to generation %d: %d closed, want 2 and 1", n, rl.Closed())
		}
		if _, body := get(t, srv, "/"); body != "gen 2" {
			t.Fatalf("after the swap: %q", body)
		}
		// A request running on generation 2 (held here) keeps it open
		// across the next swap.
		g := rl.acquire()
		rl.Swap(respondChain(t, "gen 3"))
		if _, body := get(t, srv, "/"); body != "gen 3" || rl.Closed() != 1 {
			t.Fatalf("with generation 2 in use: %q, %d closed", body, rl.Closed())
		}
		g.release()
		if rl.Closed() != 2 {
			t.Fatalf("generation 2 released: %d closed, want 2", rl.Closed())
		}
		srv.Close()
		rl.Close()
		if rl.Closed() != 3 || rl.acquire() != nil {
			t.Fatalf("after Close: %d closed, want 3", rl.Closed())
		}
	})
}

// TestReloadUnderLoad swaps 30 times while clients send requests: every
// request is answered by one whole generation, and every generation
// swapped out is closed once the clients are done.
func TestReloadUnderLoad(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		const swaps, clients = 30, 4
		chains := make([]*script.Chain, swaps+1)
		for i := range chains {
			chains[i] = respondChain(t, fmt.Sprintf("gen %d", i+1))
		}
		rl := NewReloadable(&Scripts{Chain: chains[0]})
		srv := startServer(t, b, Config{Handler: rl, Threads: 2})
		stop := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan string, clients)
		c := &http.Client{Timeout: testTimeout}
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					resp, err := c.Get("http://" + srv.Addr().String() + "/")
					if err != nil {
						errs <- err.Error()
						return
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "gen ") {
						errs <- fmt.Sprintf("%d %q", resp.StatusCode, body)
						return
					}
				}
			}()
		}
		for _, c := range chains[1:] {
			rl.Swap(c)
			get(t, srv, "/") // at least one request per generation
		}
		close(stop)
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		if _, body := get(t, srv, "/"); body != fmt.Sprintf("gen %d", swaps+1) {
			t.Errorf("last generation answered %q", body)
		}
		if n := rl.Closed(); n != swaps {
			t.Errorf("%d generations closed after %d swaps with no request running", n, swaps)
		}
		srv.Close()
		rl.Close()
	})
}

// TestReloadProxiedHoldsGeneration: a proxied request keeps its generation
// until Forward releases it (its response hooks may still run), not only
// until ServeHTTP1 returns.
func TestReloadProxiedHoldsGeneration(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		h, err := script.NewHelpers()
		if err != nil {
			t.Fatal(err)
		}
		e := compileStatic(t, `{"apps":{"http":{"servers":{"srv0":{"listen":[":0"],"routes":[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"127.0.0.1:1"}]}]}]}}}}}`)
		s, err := script.LoadObject("caddy", e, h, script.Options{})
		if err != nil {
			t.Fatal(err)
		}
		releases := make(chan func(), 1)
		rl := NewReloadable(&Scripts{Chain: script.NewChain(s), Forward: func(w *ResponseWriter, r *Request, ex *helpers.Exchange, fuel uint64, release func()) {
			w.WriteString("proxied")
			releases <- release // the response is over later
		}})
		srv := startServer(t, b, Config{Handler: rl})
		if _, body := get(t, srv, "/"); body != "proxied" {
			t.Fatalf("got %q", body)
		}
		rl.Swap(respondChain(t, "gen 2"))
		if _, body := get(t, srv, "/"); body != "gen 2" || rl.Closed() != 0 {
			t.Fatalf("after the swap: %q, %d closed; want generation 1 held by the proxied request", body, rl.Closed())
		}
		release := <-releases
		onLoop := make(chan struct{})
		srv.workers[0].lp.Post(func() { release(); close(onLoop) })
		<-onLoop
		if rl.Closed() != 1 {
			t.Fatalf("released: %d closed, want 1", rl.Closed())
		}
	})
}

// BenchmarkReloadableAcquire is the per-request cost of generations: one
// reference taken and dropped, from parallel goroutines as from loops.
func BenchmarkReloadableAcquire(b *testing.B) {
	rl := &Reloadable{scripts: &Scripts{}}
	rl.install(script.NewChain())
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rl.acquire().release()
		}
	})
}
