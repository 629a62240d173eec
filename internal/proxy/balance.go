package proxy

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// BalancerConfig configures a Balancer, as the load-balancing and health
// parts of Caddy's reverse_proxy.
type BalancerConfig struct {
	// Backends are the upstreams, in order (the first policy and the
	// weights count on it).
	Backends []BackendConfig
	// Policy chooses a backend per try; nil is RandomPolicy.
	Policy Policy
	// Retries is how many more tries a request gets after a failed one
	// (lb_retries); TryDuration bounds the time spent trying
	// (lb_try_duration); either one enables retries. TryInterval is the
	// wait before each retry (lb_try_interval; 250ms when TryDuration is
	// set and TryInterval is not, as Caddy).
	Retries     int
	TryDuration time.Duration
	TryInterval time.Duration
	// Passive are the passive health checks.
	Passive PassiveHealth
	// Active, when not nil, runs active health checks (health.go).
	Active *ActiveHealth
}

// BackendConfig is one upstream: its configured address and the URL the
// proxy uses.
type BackendConfig struct {
	// Dial is the address as configured ("host:port"), hashed by the
	// hashing policies and shown by placeholders.
	Dial string
	// URL is the upstream URL (ParseUpstream), "http://" + Dial or
	// "https://" + Dial.
	URL string
	// MaxRequests caps the requests in flight (0: no cap).
	MaxRequests int
}

// PassiveHealth configures the passive health checks, as Caddy's
// PassiveHealthChecks: a failed try, a status in UnhealthyStatus (a single
// digit is a class: 5 is 5xx) or a response head slower than
// UnhealthyLatency counts one failure for FailDuration; at MaxFails
// (default 1) failures the backend is unhealthy. FailDuration 0 disables
// the counting. UnhealthyRequestCount caps the requests in flight of
// backends without MaxRequests.
type PassiveHealth struct {
	FailDuration          time.Duration
	MaxFails              int
	UnhealthyStatus       []int
	UnhealthyLatency      time.Duration
	UnhealthyRequestCount int
}

// Balancer is a set of backends with a selection policy, retries and
// health checks, shared by every event loop; Proxy.Balance forwards
// requests through it. Close stops its active health checks.
type Balancer struct {
	backends []*Backend
	policy   Policy
	cfg      BalancerConfig

	stop      chan struct{}
	closeOnce sync.Once
}

// NewBalancer parses the backends' URLs and starts the active health
// checks, if any. A backend whose host is a name (not an IP literal or
// localhost) is resolved by a goroutine, never on the event loop; until
// then tries to it fail as a dial error would.
func NewBalancer(cfg BalancerConfig) (*Balancer, error) {
	if len(cfg.Backends) == 0 {
		return nil, fmt.Errorf("proxy: balancer without backends")
	}
	if cfg.Retries < 0 || cfg.TryDuration < 0 || cfg.TryInterval < 0 {
		return nil, fmt.Errorf("proxy: negative retries, try duration or try interval")
	}
	if cfg.TryDuration > 0 && cfg.TryInterval == 0 {
		cfg.TryInterval = 250 * time.Millisecond
	}
	if cfg.Passive.FailDuration > 0 && cfg.Passive.MaxFails == 0 {
		cfg.Passive.MaxFails = 1
	}
	if cfg.Policy == nil {
		cfg.Policy = RandomPolicy{}
	}
	b := &Balancer{policy: cfg.Policy, cfg: cfg, stop: make(chan struct{})}
	for _, bc := range cfg.Backends {
		u, err := ParseUpstream(bc.URL)
		if err != nil {
			return nil, err
		}
		k := &Backend{Dial: bc.Dial, MaxRequests: bc.MaxRequests}
		if k.MaxRequests == 0 {
			k.MaxRequests = cfg.Passive.UnhealthyRequestCount
		}
		if cfg.Passive.FailDuration > 0 {
			k.maxFails = int64(cfg.Passive.MaxFails)
		}
		k.up.Store(u)
		if !u.Addr.IsValid() && u.Unix == "" {
			go k.resolve(*u, b.stop)
		}
		b.backends = append(b.backends, k)
	}
	if cfg.Active != nil {
		if err := b.startActive(cfg.Active); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// resolve looks the backend's host name up until it succeeds or stop is
// closed, then publishes the resolved upstream.
func (k *Backend) resolve(u Upstream, stop <-chan struct{}) {
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 30*time.Second) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Host)
		cancel()
		if err == nil && len(addrs) > 0 {
			u.Addr = netip.AddrPortFrom(addrs[0].Unmap(), u.Port)
			k.up.Store(&u)
			return
		}
		select {
		case <-stop:
			return
		case <-time.After(delay):
		}
	}
}

// Backends returns the backends in configured order.
func (b *Balancer) Backends() []*Backend { return b.backends }

// Close stops the active health checks and name resolution; requests in
// flight finish.
func (b *Balancer) Close() {
	b.closeOnce.Do(func() { close(b.stop) })
}

// again reports whether a request that started elapsed ago and was
// retried tries times may be tried once more after a failure, as Caddy's
// LoadBalancing.tryAgain: retries must be enabled and not exhausted, and
// a try that may have reached the upstream (not a dial failure, not "no
// backend available") is repeated only if sent says so.
func (b *Balancer) again(elapsed time.Duration, tries int, safe bool, sent func() bool) bool {
	c := &b.cfg
	if c.TryDuration == 0 && c.Retries == 0 {
		return false
	}
	if c.TryDuration > 0 && elapsed >= c.TryDuration {
		return false
	}
	if c.Retries > 0 && tries >= c.Retries {
		return false
	}
	return safe || sent()
}

// statusMatches is Caddy's StatusCodeMatches: equal, or a single digit
// naming the class.
func statusMatches(status, want int) bool {
	return status == want || want < 10 && status/100 == want
}
