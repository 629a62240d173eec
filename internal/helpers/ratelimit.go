package helpers

import (
	"sync"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// DefaultRateLimitBuckets is the number of keys a RateLimiter tracks when
// NewRateLimiter is given 0 (the original's --max-rate-limit-buckets).
const DefaultRateLimitBuckets = 10000

// MaxRateLimitKey is the longest zs_rate_limit key in bytes.
const MaxRateLimitKey = 256

// zs_rate_limit results.
const (
	RateAllowed     = 0 // the request is counted and may go on
	RateSecond      = 1 // over the per-second limit
	RateMinute      = 2 // over the per-minute limit
	RateHour        = 3 // over the per-hour limit
	RateBucketLimit = 4 // a new key while every bucket is in use
)

// ratePeriods are the periods of the three limits, in zs_rate_limit's
// argument order.
var ratePeriods = [3]time.Duration{time.Second, time.Minute, time.Hour}

// RateLimiter is the state of zs_rate_limit: one bucket per key, shared by
// every worker and script, and meant to live as long as the process (a hot
// reload keeps it; see Config). It is safe for concurrent use.
//
// Each limit of N requests per period P is a GCRA (generic cell rate
// algorithm, the virtual-scheduling form of a leaky bucket): a key may
// send a burst of N requests, then one every P/N. Unlike the original's
// fixed calendar windows, there is no window edge at which a client can
// send 2N requests back to back: the allowance refills continuously. A
// rejected request is not counted.
type RateLimiter struct {
	mu         sync.Mutex
	buckets    map[string]*rateBucket
	maxBuckets int
	now        func() time.Time
	lastSweep  time.Time
}

// rateBucket holds, per period, the theoretical arrival time of the next
// request (ns since the Unix epoch): the GCRA state.
type rateBucket struct {
	tat [3]int64
}

// NewRateLimiter returns a limiter that tracks at most maxBuckets keys
// (0: DefaultRateLimitBuckets). A bucket whose limits have all recovered
// is dropped when room is needed.
func NewRateLimiter(maxBuckets int) *RateLimiter {
	if maxBuckets <= 0 {
		maxBuckets = DefaultRateLimitBuckets
	}
	return &RateLimiter{buckets: map[string]*rateBucket{}, maxBuckets: maxBuckets, now: time.Now}
}

// Allow applies limits (requests per second, minute and hour; 0 is no
// limit) to key and returns RateAllowed or the first limit (in that order)
// it exceeds, or RateBucketLimit.
func (rl *RateLimiter) Allow(key string, limits [3]uint64) int {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	now := rl.now()
	b := rl.buckets[key]
	if b == nil {
		if len(rl.buckets) >= rl.maxBuckets {
			rl.sweep(now)
		}
		if len(rl.buckets) >= rl.maxBuckets {
			return RateBucketLimit
		}
		b = &rateBucket{}
		rl.buckets[key] = b
	}
	t := now.UnixNano()
	var next [3]int64
	for i, n := range limits {
		if n == 0 {
			next[i] = b.tat[i]
			continue
		}
		period := int64(ratePeriods[i])
		interval := max(period/int64(min(n, uint64(period))), 1)
		tat := max(b.tat[i], t)
		if tat-t > period-interval {
			return RateSecond + i
		}
		next[i] = tat + interval
	}
	b.tat = next
	return RateAllowed
}

// sweep drops the buckets whose limits have all recovered (they behave
// like new ones), at most once a second.
func (rl *RateLimiter) sweep(now time.Time) {
	if now.Sub(rl.lastSweep) < time.Second {
		return
	}
	rl.lastSweep = now
	t := now.UnixNano()
	for k, b := range rl.buckets {
		if max(b.tat[0], b.tat[1], b.tat[2]) <= t {
			delete(rl.buckets, k)
		}
	}
}

// zsRateLimit is zs_rate_limit(key, len, per_sec, per_min, per_hour) ->
// 0 allowed, 1/2/3 over the second/minute/hour limit, 4 no bucket for a
// new key, -1 for a key that is empty or over 256 bytes or when the server
// has no limiter.
func zsRateLimit(c *vm.Context, key, keyLen, perSec, perMin, perHour uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	if keyLen == 0 || keyLen > MaxRateLimitKey || k.Ex.Config == nil || k.Ex.Config.RateLimiter == nil {
		return minusOne, nil
	}
	s, err := guestString(c, key, keyLen)
	if err != nil {
		return 0, err
	}
	return uint64(k.Ex.Config.RateLimiter.Allow(s, [3]uint64{perSec, perMin, perHour})), nil
}
