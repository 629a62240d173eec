package proxy

import (
	"sync/atomic"
	"time"
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
