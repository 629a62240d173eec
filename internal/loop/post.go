package loop

import (
	"sync"

	"golang.org/x/sys/unix"
)

// postQueue holds functions posted from other goroutines. Two slices are
// swapped so that draining allocates nothing in the steady state.
type postQueue struct {
	mu      sync.Mutex
	q       []func()
	spare   []func()
	closed  bool // Post refuses new functions
	efdGone bool // the eventfd is (being) closed: wakeups must not write to its number
	efd     int
}

// close refuses further posts and, with efdGone, further wakeups.
func (pq *postQueue) close(efdGone bool) {
	pq.mu.Lock()
	pq.closed = true
	pq.efdGone = pq.efdGone || efdGone
	pq.mu.Unlock()
}

// Post queues f to run on the loop's goroutine and wakes the loop. It may be
// called from any goroutine (TLS handshake goroutines, signal handlers). It
// returns false, without queueing f, once the loop is stopping. Wakeups
// coalesce: many Posts between two loop iterations cost one eventfd write.
func (l *Loop) Post(f func()) bool {
	pq := &l.post
	pq.mu.Lock()
	if pq.closed {
		pq.mu.Unlock()
		return false
	}
	pq.q = append(pq.q, f)
	if len(pq.q) == 1 {
		// The loop takes the whole queue after reading the eventfd, so a
		// Post that finds the queue non-empty knows a wakeup is on its way.
		pq.wakeLocked()
	}
	pq.mu.Unlock()
	return true
}

// wakeup wakes the loop.
func (l *Loop) wakeup() {
	l.post.mu.Lock()
	l.post.wakeLocked()
	l.post.mu.Unlock()
}

// wakeLocked writes the eventfd, unless it is closed: the write happens
// under pq.mu so it never reaches a descriptor number reused after close.
func (pq *postQueue) wakeLocked() {
	if !pq.efdGone {
		one := [8]byte{1} // eventfd adds this native-endian uint64: 1 on little-endian
		unix.Write(pq.efd, one[:])
	}
}

// onWake handles the eventfd becoming readable: reset it, run what was
// posted. Stop requests are seen by Run's loop.
func (l *Loop) onWake(s *sock, more bool) {
	if s.closing {
		if !more {
			l.done(s)
		}
		return
	}
	var buf [8]byte
	unix.Read(s.fd, buf[:])
	if !more {
		// The multishot poll ended (the kernel may end one any time):
		// re-arm; the same pending count covers the new one.
		l.drv.PollIn(s.fd, userData(opWake, s.id))
	}
	l.runPosted()
}

// runPosted runs the posted functions, in order.
func (l *Loop) runPosted() {
	pq := &l.post
	pq.mu.Lock()
	q := pq.q
	pq.q = pq.spare[:0]
	pq.mu.Unlock()
	for i, f := range q {
		q[i] = nil
		f()
	}
	pq.mu.Lock()
	pq.spare = q[:0]
	pq.mu.Unlock()
}
