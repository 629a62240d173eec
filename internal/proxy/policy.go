package proxy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Policy chooses the backend for a request among the available ones of a
// pool (Backend.Available), or nil when none is; as Caddy's selection
// policies (modules/caddyhttp/reverseproxy/selectionpolicies.go), with the
// same hash (XXH64 of the backend's Dial followed by the key, highest
// wins), so the deterministic policies choose what Caddy chooses.
// Policies are safe for concurrent use.
type Policy interface {
	Select(pool []*Backend, s *Selection) *Backend
}

// Selection is what a policy may look at in the request, and the cookie
// the cookie policy wants set on the response.
type Selection struct {
	// RemoteIP is the client's address without port (ip_hash).
	RemoteIP string
	// ClientIP is the client IP after trusted proxies (client_ip_hash).
	ClientIP string
	// URI is the request-target as received (uri_hash).
	URI string
	// Host is the request's Host (the header policy's "Host" field).
	Host string
	// TLS is set when the client connection is https (cookie Secure).
	TLS bool
	// Header returns the first value of a request header field, "" when
	// absent.
	Header func(name string) string
	// Cookie returns the value of the request cookie name.
	Cookie func(name string) (string, bool)
	// SetCookie is set by the cookie policy to a Set-Cookie value for the
	// response.
	SetCookie string
}

// RandomPolicy chooses an available backend at random.
type RandomPolicy struct{}

// Select implements Policy.
func (RandomPolicy) Select(pool []*Backend, _ *Selection) *Backend {
	var pick *Backend
	n := 0
	for _, k := range pool {
		if !k.Available() {
			continue
		}
		n++
		if rand.IntN(n) == 0 {
			pick = k
		}
	}
	return pick
}

// RandomChoosePolicy samples Choose available backends and takes the one
// with the fewest requests in flight.
type RandomChoosePolicy struct{ Choose int }

// Select implements Policy.
func (p RandomChoosePolicy) Select(pool []*Backend, _ *Selection) *Backend {
	k := min(p.Choose, len(pool))
	choices := make([]*Backend, 0, k)
	n := 0
	for _, b := range pool {
		if !b.Available() {
			continue
		}
		n++
		if len(choices) < k {
			choices = append(choices, b)
		} else if j := rand.IntN(n); j < k {
			choices[j] = b
		}
	}
	var best []*Backend
	least := -1
	for _, b := range choices {
		r := b.Requests()
		if r == 0 {
			return b
		}
		if least == -1 || r < least {
			least, best = r, append(best[:0], b)
		} else if r == least {
			best = append(best, b)
		}
	}
	if len(best) == 0 {
		return nil
	}
	return best[rand.IntN(len(best))]
}

// LeastConnPolicy chooses the available backend with the fewest requests
// in flight, at random among equals.
type LeastConnPolicy struct{}

// Select implements Policy.
func (LeastConnPolicy) Select(pool []*Backend, _ *Selection) *Backend {
	var best *Backend
	least, count := -1, 0
	for _, k := range pool {
		if !k.Available() {
			continue
		}
		r := k.Requests()
		if least == -1 || r < least {
			least, count = r, 0
		}
		if r == least {
			count++
			if count == 1 || rand.IntN(count) == 0 {
				best = k
			}
		}
	}
	return best
}

// RoundRobinPolicy takes the backends in turn, skipping unavailable ones;
// its counter is shared by every loop.
type RoundRobinPolicy struct{ robin atomic.Uint32 }

// Select implements Policy.
func (p *RoundRobinPolicy) Select(pool []*Backend, _ *Selection) *Backend {
	n := uint32(len(pool))
	for range n {
		if k := pool[p.robin.Add(1)%n]; k.Available() {
			return k
		}
	}
	return nil
}

// WeightedRoundRobinPolicy takes the backends in turn in proportion to
// their weights, as Caddy's weighted_round_robin.
type WeightedRoundRobinPolicy struct {
	Weights []int
	index   atomic.Uint32
}

// Select implements Policy.
func (p *WeightedRoundRobinPolicy) Select(pool []*Backend, _ *Selection) *Backend {
	if len(pool) == 0 {
		return nil
	}
	if len(p.Weights) < 2 {
		if !pool[0].Available() {
			return nil
		}
		return pool[0]
	}
	total := 0
	var weights []int
	for _, w := range p.Weights {
		total += w
		if w > 0 {
			weights = append(weights, w)
		}
	}
	if total <= 0 {
		return nil
	}
	cur := int(p.index.Add(1)) % total
	index, sum := 0, 0
	for i, w := range weights {
		sum += w
		if cur < sum {
			index = i
			break
		}
	}
	var ups []*Backend
	for i, k := range pool {
		if i >= len(p.Weights) || !k.Available() || p.Weights[i] == 0 {
			continue
		}
		ups = append(ups, k)
		if len(ups) == len(weights) {
			break
		}
	}
	if len(ups) == 0 {
		return nil
	}
	return ups[index%len(ups)]
}

// FirstPolicy chooses the first available backend.
type FirstPolicy struct{}

// Select implements Policy.
func (FirstPolicy) Select(pool []*Backend, _ *Selection) *Backend {
	for _, k := range pool {
		if k.Available() {
			return k
		}
	}
	return nil
}

// IPHashPolicy hashes the client's address (the connection's peer).
type IPHashPolicy struct{}

// Select implements Policy.
func (IPHashPolicy) Select(pool []*Backend, s *Selection) *Backend {
	return hashSelect(pool, withoutPort(s.RemoteIP))
}

// ClientIPHashPolicy hashes the client IP after trusted proxies.
type ClientIPHashPolicy struct{}

// Select implements Policy.
func (ClientIPHashPolicy) Select(pool []*Backend, s *Selection) *Backend {
	return hashSelect(pool, withoutPort(s.ClientIP))
}

// URIHashPolicy hashes the request-target.
type URIHashPolicy struct{}

// Select implements Policy.
func (URIHashPolicy) Select(pool []*Backend, s *Selection) *Backend {
	return hashSelect(pool, s.URI)
}

// QueryPolicy hashes the values of a query parameter, or asks Fallback
// when there are none.
type QueryPolicy struct {
	Key      string
	Fallback Policy
}

// Select implements Policy.
func (p QueryPolicy) Select(pool []*Backend, s *Selection) *Backend {
	raw := ""
	if i := strings.IndexByte(s.URI, '?'); i >= 0 {
		raw = s.URI[i+1:]
	}
	q, _ := url.ParseQuery(raw)
	if v := strings.Join(q[p.Key], ","); v != "" {
		return hashSelect(pool, v)
	}
	return p.Fallback.Select(pool, s)
}

// HeaderPolicy hashes the value of a request header field ("Host": the
// request's host), or asks Fallback when it is empty.
type HeaderPolicy struct {
	Field    string
	Fallback Policy
}

// Select implements Policy.
func (p HeaderPolicy) Select(pool []*Backend, s *Selection) *Backend {
	if p.Field == "Host" && s.Host != "" {
		return hashSelect(pool, s.Host)
	}
	if v := s.Header(p.Field); v != "" {
		return hashSelect(pool, v)
	}
	return p.Fallback.Select(pool, s)
}

// CookiePolicy keeps a client on one backend with a cookie whose value is
// the hex HMAC-SHA256 of the backend's Dial under Secret (an empty secret
// is a valid HMAC key, as in Caddy). Without a cookie naming an available
// backend, Fallback chooses and the cookie is set (Path=/, HttpOnly,
// SameSite=Lax; on https Secure and SameSite=None; Max-Age when MaxAge is
// set).
type CookiePolicy struct {
	Name, Secret string
	MaxAge       time.Duration
	Fallback     Policy
}

// Select implements Policy.
func (p CookiePolicy) Select(pool []*Backend, s *Selection) *Backend {
	if v, ok := s.Cookie(p.Name); ok {
		for _, k := range pool {
			if k.Available() && hmac.Equal([]byte(cookieHash(p.Secret, k.Dial)), []byte(v)) {
				return k
			}
		}
	}
	k := p.Fallback.Select(pool, s)
	if k == nil {
		return nil
	}
	c := p.Name + "=" + cookieHash(p.Secret, k.Dial) + "; Path=/"
	if p.MaxAge > 0 {
		c += "; Max-Age=" + strconv.Itoa(int(p.MaxAge.Seconds()))
	}
	c += "; HttpOnly"
	if s.TLS {
		c += "; Secure; SameSite=None"
	} else {
		c += "; SameSite=Lax"
	}
	s.SetCookie = c
	return k
}

func cookieHash(secret, data string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil))
}

// hashSelect is rendezvous hashing: the available backend whose
// XXH64(Dial+key) is highest.
func hashSelect(pool []*Backend, key string) *Backend {
	var best *Backend
	var high uint64
	for _, k := range pool {
		if !k.Available() {
			continue
		}
		if h := xxhash64(k.Dial + key); h > high {
			best, high = k, h
		}
	}
	return best
}

// withoutPort strips a port from an address, as Caddy does for the
// IP-hashing policies.
func withoutPort(a string) string {
	if h, _, err := net.SplitHostPort(a); err == nil {
		return h
	}
	return a
}
