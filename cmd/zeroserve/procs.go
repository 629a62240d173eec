package main

import "runtime"

// reserveProcs gives the Go scheduler one processor (P) more than the
// event loops started. A loop keeps its P while it waits inside
// io_uring_enter or epoll_wait; with no P left idle, the runtime's
// monitor takes a waiting loop's P away after 20 µs (handing it to a
// thread woken for nothing) and keeps polling every 20 µs to do so
// again: thread wake-ups on every request that nginx does not pay. One
// idle P lets waiting loops keep theirs. It costs no CPU by itself: a P
// is permission to run Go code, not a thread that runs. Measured with the
// proxy benchmark (2 loops, sysmon and futex calls per request): see
// docs/ARCHITECTURE.md.
func reserveProcs(loops int) {
	if runtime.GOMAXPROCS(0) <= loops {
		runtime.GOMAXPROCS(loops + 1)
	}
}
