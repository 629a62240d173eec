package loop

import (
	"time"
)

// Timer is a handle to a function scheduled with AfterFunc.
type Timer struct {
	id, gen uint32
}

// timer is one slot of the timer table.
type timer struct {
	when int64 // nanoseconds since Loop.base
	f    func()
	gen  uint32 // bumped when the slot is freed
	pos  int    // index in timerHeap.heap
}

// timerHeap is a binary min-heap of timer slots ordered by deadline, with
// the slots in a table so that Timer handles stay valid while the heap
// moves entries around.
type timerHeap struct {
	slots []timer
	free  []uint32
	heap  []uint32 // slot ids
}

// AfterFunc calls f on the loop's goroutine once d has passed (d <= 0: at
// the next iteration). It is for timeouts (idle, header, body, connect):
// cancel with StopTimer. Call it from the loop's goroutine.
func (l *Loop) AfterFunc(d time.Duration, f func()) Timer {
	th := &l.timers
	var id uint32
	if n := len(th.free); n > 0 {
		id = th.free[n-1]
		th.free = th.free[:n-1]
	} else {
		id = uint32(len(th.slots))
		th.slots = append(th.slots, timer{gen: 1})
	}
	t := &th.slots[id]
	t.when = l.now() + int64(max(d, 0))
	t.f = f
	t.pos = len(th.heap)
	th.heap = append(th.heap, id)
	th.up(t.pos)
	return Timer{id: id, gen: t.gen}
}

// StopTimer cancels t. It returns false if t already fired or was stopped.
func (l *Loop) StopTimer(t Timer) bool {
	th := &l.timers
	if int(t.id) >= len(th.slots) || th.slots[t.id].gen != t.gen {
		return false
	}
	th.remove(th.slots[t.id].pos)
	return true
}

func (l *Loop) now() int64 { return int64(time.Since(l.base)) }

// runTimers calls the functions of all timers expired at now.
func (l *Loop) runTimers(now int64) {
	th := &l.timers
	if len(th.heap) == 0 {
		return
	}
	for len(th.heap) > 0 {
		t := &th.slots[th.heap[0]]
		if t.when > now {
			return
		}
		f := t.f
		th.remove(0)
		f()
	}
}

// nextTimeout is how long the backend may wait from now: until the
// earliest timer, or without limit (-1) when there is none.
func (l *Loop) nextTimeout(now int64) time.Duration {
	th := &l.timers
	if len(th.heap) == 0 {
		return -1
	}
	return time.Duration(max(th.slots[th.heap[0]].when-now, 0))
}

// remove takes the entry at heap index i out and frees its slot.
func (th *timerHeap) remove(i int) {
	id := th.heap[i]
	last := len(th.heap) - 1
	if i != last {
		th.swap(i, last)
	}
	th.heap = th.heap[:last]
	if i != last {
		th.down(i)
		th.up(i)
	}
	t := &th.slots[id]
	t.f = nil
	t.gen++
	if t.gen == 0 {
		t.gen = 1
	}
	th.free = append(th.free, id)
}

func (th *timerHeap) less(i, j int) bool {
	return th.slots[th.heap[i]].when < th.slots[th.heap[j]].when
}

func (th *timerHeap) swap(i, j int) {
	th.heap[i], th.heap[j] = th.heap[j], th.heap[i]
	th.slots[th.heap[i]].pos = i
	th.slots[th.heap[j]].pos = j
}

func (th *timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !th.less(i, p) {
			return
		}
		th.swap(i, p)
		i = p
	}
}

func (th *timerHeap) down(i int) {
	n := len(th.heap)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && th.less(c+1, c) {
			c++
		}
		if !th.less(c, i) {
			return
		}
		th.swap(i, c)
		i = c
	}
}
