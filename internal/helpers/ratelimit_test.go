package helpers

import (
	"testing"
	"time"
)

// fakeClock is a settable clock for RateLimiter.now.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }

func TestRateLimiterGCRA(t *testing.T) {
	clk := &fakeClock{time.Unix(1_700_000_000, 0)}
	rl := NewRateLimiter(0)
	rl.now = clk.now
	lim := [3]uint64{2, 5, 0}
	step := func(d time.Duration, want int) {
		t.Helper()
		clk.t = clk.t.Add(d)
		if got := rl.Allow("k", lim); got != want {
			t.Errorf("at +%v: %d, want %d", d, got, want)
		}
	}
	step(0, RateAllowed)
	step(0, RateAllowed)
	step(0, RateSecond)                     // burst of 2 used
	step(499*time.Millisecond, RateSecond)  // refill is one per 500 ms
	step(time.Millisecond, RateAllowed)     // 3rd in the minute
	step(500*time.Millisecond, RateAllowed) // 4th
	step(500*time.Millisecond, RateAllowed) // 5th
	step(500*time.Millisecond, RateMinute)  // minute burst of 5 used
	step(12*time.Second, RateAllowed)       // refill is one per 12 s
	step(0, RateMinute)                     // a rejected request is not counted:
	step(12*time.Second, RateAllowed)       // so the next one refilled in time
	if got := rl.Allow("k", [3]uint64{0, 0, 1}); got != RateAllowed {
		t.Errorf("hour limit, first: %d", got)
	}
	if got := rl.Allow("k", [3]uint64{0, 0, 1}); got != RateHour {
		t.Errorf("hour limit, second: %d", got)
	}
	if got := rl.Allow("other", [3]uint64{}); got != RateAllowed {
		t.Errorf("no limits: %d", got)
	}
}

// TestRateLimiterBuckets: a new key over the bucket limit gets
// RateBucketLimit while existing keys work; buckets whose limits have all
// recovered make room again.
func TestRateLimiterBuckets(t *testing.T) {
	clk := &fakeClock{time.Unix(1_700_000_000, 0)}
	rl := NewRateLimiter(2)
	rl.now = clk.now
	lim := [3]uint64{1, 0, 0}
	for _, c := range []struct {
		key  string
		want int
	}{{"a", RateAllowed}, {"b", RateAllowed}, {"c", RateBucketLimit}, {"a", RateSecond}} {
		if got := rl.Allow(c.key, lim); got != c.want {
			t.Errorf("%s: %d, want %d", c.key, got, c.want)
		}
	}
	clk.t = clk.t.Add(2 * time.Second)
	if got := rl.Allow("c", lim); got != RateAllowed {
		t.Errorf("c after recovery: %d", got)
	}
	if len(rl.buckets) != 1 {
		t.Errorf("%d buckets after the sweep, want 1", len(rl.buckets))
	}
}

func BenchmarkRateLimiterAllow(b *testing.B) {
	rl := NewRateLimiter(0)
	lim := [3]uint64{1 << 30, 0, 0}
	for b.Loop() {
		rl.Allow("bench-key", lim)
	}
}
