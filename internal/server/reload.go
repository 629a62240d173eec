package server

import (
	"sync/atomic"

	"github.com/zeroserve/zeroserve/internal/script"
)

// Reloadable is a Handler that serves requests with Scripts and the chain
// of its current generation, and swaps in a new chain atomically (hot
// reload, the original's SIGHUP). A request runs entirely on the
// generation it started with: it holds the generation until Scripts
// releases the request, which for a proxied response is when the response
// is over (its response hooks run then, on the loop). A generation's chain
// is closed once it is no longer current and its last request is over;
// the helpers' Config (rate limiter state) belongs to Scripts and so
// outlives reloads.
type Reloadable struct {
	scripts *Scripts
	cur     atomic.Pointer[generation]
	next    atomic.Uint64 // the last generation number given out
	closed  atomic.Uint64 // generations whose chain was closed
}

// generation is one loaded chain and the requests running on it.
type generation struct {
	rl    *Reloadable
	n     uint64
	chain *script.Chain
	// refs counts the requests running on the generation, plus one while
	// it is current; the chain closes when it drops to 0, and a
	// generation at 0 is never taken again.
	refs atomic.Int64
}

// NewReloadable serves with s, whose Chain becomes generation 1; s.Chain
// is not read again (Swap replaces it). The Reloadable owns every chain it
// is given and closes each when it is done with it.
func NewReloadable(s *Scripts) *Reloadable {
	rl := &Reloadable{scripts: s}
	s.start() // release logs through it, maybe before any request
	rl.install(s.Chain)
	return rl
}

// install makes chain the current generation; it returns its number and
// the previous generation (nil the first time).
func (rl *Reloadable) install(chain *script.Chain) (uint64, *generation) {
	g := &generation{rl: rl, n: rl.next.Add(1), chain: chain}
	g.refs.Store(1)
	return g.n, rl.cur.Swap(g)
}

// Swap makes chain the current generation and returns its number. Requests
// already running finish on the generation they started with, whose chain
// closes after the last of them. Swaps must not run concurrently with each
// other or with Close.
func (rl *Reloadable) Swap(chain *script.Chain) uint64 {
	n, old := rl.install(chain)
	if old != nil {
		old.release()
	}
	return n
}

// Close releases the current generation: call it once the server has
// stopped. Its chain closes after the requests still running on it.
func (rl *Reloadable) Close() {
	if g := rl.cur.Swap(nil); g != nil {
		g.release()
	}
}

// Generation returns the number of the current generation (1 for the
// first chain, one more per Swap).
func (rl *Reloadable) Generation() uint64 { return rl.next.Load() }

// Closed returns how many generations' chains have been closed.
func (rl *Reloadable) Closed() uint64 { return rl.closed.Load() }

// ServeHTTP1 runs r on the current generation's chain.
func (rl *Reloadable) ServeHTTP1(w *ResponseWriter, r *Request) {
	g := rl.acquire()
	if g == nil {
		w.WriteHeader(503) // after Close: the server is stopping
		return
	}
	rl.scripts.serve(w, r, g.chain, g) // released with the request
	drainUnread(w, r)
}

// acquire takes a reference on the current generation, or returns nil
// after Close. A generation swapped out and released between loading the
// pointer and taking the reference is at 0 and is not taken: the loop
// loads the new current one.
func (rl *Reloadable) acquire() *generation {
	for {
		g := rl.cur.Load()
		if g == nil {
			return nil
		}
		for n := g.refs.Load(); n > 0; n = g.refs.Load() {
			if g.refs.CompareAndSwap(n, n+1) {
				return g
			}
		}
	}
}

// release drops a reference; the last one closes the chain.
func (g *generation) release() {
	if g.refs.Add(-1) != 0 {
		return
	}
	g.chain.Close()
	g.rl.closed.Add(1)
	g.rl.scripts.logf("reload: generation %d closed (no request runs on it any more)\n", g.n)
}

var _ Handler = (*Reloadable)(nil)
