package proxy

import (
	"sync/atomic"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// Backend is one upstream of a Balancer and its health, shared by every
// event loop of the process (atomics, no lock): the requests in flight,
// the passive failures remembered and the active checks' verdict, as
// Caddy's reverseproxy.Upstream and Host keep them.
type Backend struct {
	// Dial is the upstream as configured ("host:port"); the hashing
	// policies hash it with the key, as Caddy hashes Upstream.String().
	Dial string
	// MaxRequests makes the backend unavailable while this many requests
	// are in flight (0: no limit), as Caddy's max_requests.
	MaxRequests int

	up       atomic.Pointer[Upstream] // where requests go; replaced once resolved
	requests atomic.Int64
	fails    atomic.Int64
	down     atomic.Bool  // the active checks found it unhealthy
	passes   atomic.Int64 // consecutive active passes while down
	failsAct atomic.Int64 // consecutive active failures while up
	maxFails int64        // passive: unhealthy at this many fails (0: passive checks off)

	pools atomic.Pointer[[]poolRef] // the pools used so far, copied on write
}

// poolRef is the pool of proxy p on loop lp for upstream u.
type poolRef struct {
	p  *Proxy
	lp *loop.Loop
	u  *Upstream
	pl *pool
}

// maxPoolRefs bounds the pools a backend remembers (one per proxy and
// loop, and per upstream once its name is resolved).
const maxPoolRefs = 256

// pool returns p.pool(lp, u), remembered by the backend so that a try
// costs a scan of a few pointers rather than a lookup by address.
func (k *Backend) pool(p *Proxy, lp *loop.Loop, u *Upstream) *pool {
	old := k.pools.Load()
	var refs []poolRef
	if old != nil {
		refs = *old
	}
	for _, r := range refs {
		if r.lp == lp && r.p == p && r.u == u {
			return r.pl
		}
	}
	pl := p.pool(lp, u)
	if len(refs) < maxPoolRefs {
		grown := append(append(make([]poolRef, 0, len(refs)+1), refs...), poolRef{p, lp, u, pl})
		k.pools.CompareAndSwap(old, &grown) // a lost race only costs a later lookup
	}
	return pl
}

// Upstream returns where requests to the backend go (Addr unset while
// its host name is not resolved yet).
func (k *Backend) Upstream() *Upstream { return k.up.Load() }

// Requests returns the number of requests in flight to the backend.
func (k *Backend) Requests() int { return int(k.requests.Load()) }

// Fails returns the passive failures remembered now.
func (k *Backend) Fails() int { return int(k.fails.Load()) }

// Healthy reports whether the active checks (if any) pass and the passive
// failures (if counted) are fewer than max_fails, as Caddy's
// Upstream.Healthy.
func (k *Backend) Healthy() bool {
	if k.down.Load() {
		return false
	}
	return k.maxFails == 0 || k.fails.Load() < k.maxFails
}

// Available reports whether the backend is healthy and below
// MaxRequests, as Caddy's Upstream.Available: the policies choose only
// among available backends.
func (k *Backend) Available() bool {
	return k.Healthy() && (k.MaxRequests <= 0 || k.requests.Load() < int64(k.MaxRequests))
}

// countFail remembers one passive failure for d (Caddy's countFailure):
// the count goes back down when d has passed.
func (k *Backend) countFail(d time.Duration) {
	if d <= 0 || k.maxFails == 0 {
		return
	}
	k.fails.Add(1)
	time.AfterFunc(d, func() { k.fails.Add(-1) })
}
