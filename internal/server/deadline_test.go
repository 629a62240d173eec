package server

import (
	"testing"
	"time"
)

// TestClock: the wall clock derived from the monotonic one stays within
// the wall-clock reads around it, inside and outside advance, and a run of
// advance reads one time.
func TestClock(t *testing.T) {
	st, _ := NewStatic(200, "ok")
	c := offlineConn(t, st)
	within := func(what string, got, before, after time.Time) {
		t.Helper()
		const slack = time.Millisecond // wall-clock slewing between reads
		if got.Before(before.Add(-slack)) || got.After(after.Add(slack)) {
			t.Errorf("%s: %v not within [%v, %v]", what, got, before, after)
		}
	}
	for i := range 3 {
		before := time.Now()
		got := c.clock()
		within("outside advance", got, before, time.Now())
		if i == 1 {
			// A base over a second old is read again (a wrong one would
			// show an hour off).
			c.dl.baseWall = c.dl.baseWall.Add(-time.Hour)
			c.dl.baseMono -= 2 * time.Second
		}
	}
	c.dl.running, c.dl.mono = true, 0
	before := time.Now()
	first := c.clock()
	after := time.Now()
	within("inside advance", first, before, after)
	if again := c.clock(); !again.Equal(first) || c.now() != c.dl.mono {
		t.Errorf("inside advance the clock moved: %v then %v", first, again)
	}
	c.dl.running = false
}
