package loop

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop/epoll"
	"golang.org/x/sys/unix"
)

// Options configures a Loop. The zero value is valid: Auto backend and
// default sizes.
type Options struct {
	// Backend selects io_uring, epoll, or Auto (io_uring, else epoll).
	Backend Backend
	// Entries is the io_uring submission queue size (a power of two; the
	// completion queue gets four times as many). Default 256.
	Entries uint32
	// BufSize is the size of each receive buffer. Default 16 KiB.
	BufSize int
	// BufCount is how many receive buffers io_uring provides to the kernel
	// (a power of two). Default 256. epoll reads into one buffer.
	BufCount int

	// uringSetupErr, when set, is what io_uring setup fails with: tests use
	// it to exercise the fallback.
	uringSetupErr error
}

func (o *Options) defaults() {
	if o.Entries == 0 {
		o.Entries = 256
	}
	if o.BufSize == 0 {
		o.BufSize = 16 << 10
	}
	if o.BufCount == 0 {
		o.BufCount = 256
	}
}

// Limits of Options, so that a bad value is reported as such rather than
// making io_uring setup fail (which Auto would take for "not supported").
const (
	maxEntries  = 32768 // the kernel's IORING_MAX_ENTRIES
	maxBufCount = 32768 // the largest provided buffer ring
	maxBufSize  = 1 << 20
)

func (o *Options) validate() error {
	switch {
	case o.Entries > maxEntries:
		return fmt.Errorf("loop: Options.Entries %d above %d", o.Entries, maxEntries)
	case o.BufCount < 0 || o.BufCount > maxBufCount || o.BufCount&(o.BufCount-1) != 0:
		return fmt.Errorf("loop: Options.BufCount %d is not a power of two up to %d", o.BufCount, maxBufCount)
	case o.BufSize < 0 || o.BufSize > maxBufSize:
		return fmt.Errorf("loop: Options.BufSize %d outside 1..%d", o.BufSize, maxBufSize)
	}
	return nil
}

// Loop is one event loop: a backend, the sockets it owns, timers and a queue
// of functions posted from other goroutines. See the package documentation
// for which methods may be called from where.
type Loop struct {
	_        noCopy
	drv      driver
	backend  Backend
	fallback error

	socks   []*sock  // by Conn/Listener id; entries are reused, never moved
	free    []uint32 // ids of free socks
	live    int      // socks in use
	flushq  []uint32 // socks with sends to submit or a shutdown to do
	finq    []uint32 // closing socks with nothing in flight, to finish
	resumeq []Conn   // connections whose receiving ResumeRecv restarted
	wake    *sock    // the eventfd Post and Stop write to

	reads fileReads // ReadAt requests in flight

	timers timerHeap
	base   time.Time // timers count nanoseconds from here (monotonic)

	post    postQueue
	stopReq atomic.Bool
	state   atomic.Uint32 // loopNew, loopRunning, loopDone

	stopping bool // Stop seen: everything is closing, Run returns when all is done
	complete completeFunc
}

// Loop states, in order.
const (
	loopNew uint32 = iota
	loopRunning
	loopDone
)

// noCopy makes go vet's copylocks check flag copies of a Loop.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// New creates a loop with the backend opts asks for. With Auto, a failure to
// set up io_uring falls back to epoll and FallbackReason reports why.
func New(opts Options) (*Loop, error) {
	opts.defaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	l := &Loop{base: time.Now()}
	l.complete = l.onComplete
	switch opts.Backend {
	case Auto, IOUring:
		d, err := newURingDriver(&opts)
		if err == nil {
			l.drv, l.backend = d, IOUring
			break
		}
		if opts.Backend == IOUring {
			return nil, err
		}
		l.fallback = err
		fallthrough
	case Epoll:
		p, err := epoll.New(opts.BufSize)
		if err != nil {
			return nil, err
		}
		l.drv, l.backend = p, Epoll
	default:
		return nil, fmt.Errorf("loop: unknown backend %v", opts.Backend)
	}
	efd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		l.drv.Close()
		return nil, os.NewSyscallError("eventfd", err)
	}
	l.wake = l.alloc(kindWake, efd)
	l.post.efd = efd
	return l, nil
}

// Backend returns the backend the loop runs on (never Auto).
func (l *Loop) Backend() Backend { return l.backend }

// FallbackReason returns why Auto did not get io_uring, or nil.
func (l *Loop) FallbackReason() error { return l.fallback }

// Run runs the loop on the calling goroutine, locked to its OS thread, until
// Stop; then it closes every listener and connection, waits for their
// operations to finish (each connection gets its OnClose), releases the
// backend and returns nil. If the backend itself fails, Run closes every
// descriptor without further callbacks and returns the error. Run may be
// called once.
func (l *Loop) Run() error {
	if !l.state.CompareAndSwap(loopNew, loopRunning) {
		return errors.New("loop: Run called twice")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := l.drv.Start()
	if err == nil {
		l.drv.PollIn(l.wake.fd, userData(opWake, l.wake.id))
		l.wake.pending++
		err = l.run()
	}
	l.state.Store(loopDone)
	if rerr := l.release(); err == nil {
		err = rerr
	}
	return err
}

func (l *Loop) run() error {
	var yielded int64
	for {
		if !l.stopping && l.stopReq.Load() {
			l.beginStop()
		}
		now := l.now()
		if now-yielded >= yieldEvery {
			// See yieldEvery.
			yielded = now
			runtime.Gosched()
		}
		l.runTimers(now)
		l.flush()
		if l.stopping && l.live == 0 && l.reads.inflight == 0 {
			return nil
		}
		if err := l.drv.Wait(l.nextTimeout(now), l.complete); err != nil {
			return fmt.Errorf("loop: %v backend: %w", l.backend, err)
		}
	}
}

// yieldEvery is how often a busy loop yields its goroutine. The runtime's
// monitor (sysmon) forcibly preempts a goroutine that has run for 10 ms
// without passing through the scheduler — which a loop never does on its
// own, its waits being system calls — and every forced preemption makes
// the monitor poll again every 20 µs (a thread wake-up each time) for the
// next milliseconds. A voluntary yield a little more often than that
// costs the same hand-off of the locked thread (a few futex calls) and
// keeps the monitor asleep. 8 ms leaves room for a long iteration; 5 ms
// measured the same CPU per request with twice the futex calls.
const yieldEvery = int64(8 * time.Millisecond)

// Stop asks the loop to stop; Run returns once everything is closed. Stop
// may be called from any goroutine, any number of times.
func (l *Loop) Stop() {
	l.stopReq.Store(true)
	l.wakeup()
}

// beginStop runs what was posted before Stop, then closes every socket.
func (l *Loop) beginStop() {
	l.runPosted()
	l.post.close(false)
	l.runPosted()
	l.stopping = true
	l.timers = timerHeap{}
	for _, s := range l.socks {
		if s.kind != kindFree && !s.closing {
			if s == l.wake {
				l.post.close(true) // no wakeup may write to the eventfd once it is closed
			}
			l.closeSock(s)
		}
	}
}

// Free releases a loop whose Run was never called (Run releases
// everything itself when it returns).
func (l *Loop) Free() error {
	if !l.state.CompareAndSwap(loopNew, loopDone) {
		return errors.New("loop: Free of a loop that has run")
	}
	return l.release()
}

// release closes the backend. After a clean stop every descriptor is
// closed already; after a backend failure the remaining ones are closed
// here, without callbacks.
func (l *Loop) release() error {
	l.post.close(true)
	for _, s := range l.socks {
		if s.kind != kindFree && s.fd >= 0 {
			unix.Close(s.fd)
			s.fd = -1
		}
	}
	l.timers = timerHeap{}
	return l.drv.Close()
}
