package server

import (
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// deadlineKind is which timeout a connection's deadline enforces.
type deadlineKind uint8

const (
	deadlineNone      deadlineKind = iota
	deadlineIdle                   // waiting for the first byte of a request
	deadlineHeader                 // a request head is incomplete
	deadlineBody                   // waiting for request body bytes
	deadlineWrite                  // queued response bytes not taken by the kernel
	deadlineHandshake              // TLS handshake (queued or running)
	deadlineLinger                 // closing: draining the peer's data
)

var deadlineNames = [...]string{"none", "idle", "read-header", "body", "write", "handshake", "linger"}

// String returns the timeout's name as used in errors and logs.
func (k deadlineKind) String() string {
	if int(k) < len(deadlineNames) {
		return deadlineNames[k]
	}
	return "?"
}

// epoch is the origin of the monotonic clock deadlines are kept in.
var epoch = time.Now()

// monoNow reads the monotonic clock: the time since epoch. It costs half
// a time.Now, which also reads the wall clock.
func monoNow() time.Duration { return time.Since(epoch) }

// deadline is a connection's single timeout, enforced with at most one loop
// timer. Moving the deadline later does not touch the timer: when it fires
// early it re-arms for the rest (lazy re-arming keeps keep-alive requests
// free of timer churn). fire is created once per conn struct, so arming
// never allocates.
type deadline struct {
	at    time.Duration // on the monotonic clock (monoNow); meaningful unless kind is deadlineNone
	kind  deadlineKind
	timer loop.Timer
	armed bool
	due   time.Duration // when the armed timer fires (monoNow)
	fire  func()

	// mono is the monotonic time one run of advance reads once (now),
	// shared by the requests it handles; 0 when not read yet.
	mono    time.Duration
	running bool // advance is running
	// baseWall, a time.Now at most a second old, and baseMono, its
	// monotonic time, turn monotonic times into wall-clock ones (clock).
	baseWall time.Time
	baseMono time.Duration
}

// now returns the monotonic time (monoNow): inside advance, the one read
// by its first call (a run of the state machine lasts microseconds);
// outside, a fresh read.
func (c *conn) now() time.Duration {
	if !c.dl.running {
		return monoNow()
	}
	if c.dl.mono == 0 {
		c.dl.mono = monoNow()
	}
	return c.dl.mono
}

// clock returns the wall-clock time of now(): the base plus the
// monotonic time since, which saves reading the wall clock too; the base
// is read again once it is a second old (the Date field's resolution).
func (c *conn) clock() time.Time {
	dl := &c.dl
	m := c.now()
	if d := m - dl.baseMono; dl.baseWall.IsZero() || d < 0 || d >= time.Second {
		dl.baseWall = time.Now()
		dl.baseMono = dl.baseWall.Sub(epoch)
		if dl.running {
			dl.mono = dl.baseMono
		}
		return dl.baseWall
	}
	return dl.baseWall.Add(m - dl.baseMono)
}

// setDeadline makes the deadline kind, d from now. With restart false, a
// running deadline of the same kind is kept (the read-header timeout runs
// from the head's first byte, however slowly the rest arrives); with
// restart true it moves (progress on a body or a send).
func (c *conn) setDeadline(kind deadlineKind, d time.Duration, restart bool) {
	dl := &c.dl
	if !restart && dl.kind == kind {
		return
	}
	dl.kind = kind
	dl.at = c.now() + d
	if dl.armed && dl.due <= dl.at {
		return
	}
	if dl.armed {
		c.w.lp.StopTimer(dl.timer)
	}
	dl.armed = true
	dl.due = dl.at
	dl.timer = c.w.lp.AfterFunc(d, dl.fire)
}

// clearDeadline removes the deadline; an armed timer is left to fire and
// find nothing to do.
func (c *conn) clearDeadline() {
	c.dl.kind = deadlineNone
}

// stopDeadline cancels the timer (when the connection is released).
func (c *conn) stopDeadline() {
	if c.dl.armed {
		c.w.lp.StopTimer(c.dl.timer)
		c.dl.armed = false
	}
	c.clearDeadline()
}

// onDeadline runs when the armed timer fires.
func (c *conn) onDeadline() {
	dl := &c.dl
	dl.armed = false
	if dl.kind == deadlineNone || c.state == stateClosed {
		return
	}
	if now := monoNow(); now < dl.at {
		dl.armed = true
		dl.due = dl.at
		dl.timer = c.w.lp.AfterFunc(dl.at-now, dl.fire)
		return
	}
	kind := dl.kind
	c.clearDeadline()
	c.timeout(kind)
}
