package uring

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// requiredFeatures are the IORING_FEAT_* bits Setup insists on: one mapping
// for both rings, no dropped completions, a wait timeout in io_uring_enter and
// CQE-less successes for cancel and close (all in Linux 5.17 and later).
const requiredFeatures = FeatSingleMmap | FeatNoDrop | FeatExtArg | FeatCQESkip

// FeatureError reports a kernel that set up a ring without a feature this
// package needs.
type FeatureError struct {
	Missing uint32 // the IORING_FEAT_* bits that are missing
}

// Error names the missing feature bits.
func (e *FeatureError) Error() string {
	return fmt.Sprintf("io_uring: kernel lacks required features %#x", e.Missing)
}

// Ring is one io_uring instance: its file descriptor, its mapped SQ and CQ
// rings and SQE array. It is not safe for concurrent use.
type Ring struct {
	fd     int
	params Params

	ringMem []byte // SQ and CQ rings (one mapping, FeatSingleMmap)
	sqeMem  []byte // the SQE array

	sqHead, sqTail, sqFlags *uint32 // shared with the kernel
	sqMask, sqEntries       uint32
	sqeTail                 uint32 // next SQE to hand out; published to *sqTail by flush
	sqes                    unsafe.Pointer

	cqHead, cqTail *uint32 // shared with the kernel
	cqMask         uint32
	cqes           unsafe.Pointer

	arg getEventsArg  // enter's EXT_ARG, referenced by pointer during the syscall
	ts  unix.Timespec // the wait timeout arg.ts points to
}

// Setup creates a ring with entries submission slots, trying each flag set
// in order until the kernel accepts one (newer flags first, so older kernels
// still get a ring). The last error is returned if none is accepted.
func Setup(entries, cqEntries uint32, flagSets ...uint32) (*Ring, error) {
	var err error
	for _, flags := range flagSets {
		p := Params{Flags: flags | SetupCQSize, CQEntries: cqEntries}
		fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
		if errno != 0 {
			err = os.NewSyscallError("io_uring_setup", errno)
			if errno == unix.EINVAL {
				continue // flags unknown to this kernel: try the next set
			}
			return nil, err
		}
		r := &Ring{fd: int(fd), params: p}
		if err := r.mmap(); err != nil {
			r.Close()
			return nil, err
		}
		return r, nil
	}
	if err == nil {
		return nil, errors.New("io_uring: no setup flags given")
	}
	return nil, err
}

func (r *Ring) mmap() error {
	p := &r.params
	if missing := requiredFeatures &^ p.Features; missing != 0 {
		return &FeatureError{Missing: missing}
	}
	sqSize := uintptr(p.SQOff.Array) + uintptr(p.SQEntries)*4
	cqSize := uintptr(p.CQOff.CQEs) + uintptr(p.CQEntries)*sizeofCQE
	size := max(sqSize, cqSize)
	mem, err := unix.Mmap(r.fd, offSQRing, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return os.NewSyscallError("mmap sq/cq ring", err)
	}
	r.ringMem = mem
	sqes, err := unix.Mmap(r.fd, offSQEs, int(p.SQEntries)*sizeofSQE, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return os.NewSyscallError("mmap sqes", err)
	}
	r.sqeMem = sqes
	// The pointers below point into the mappings, which live until Close.
	base := unsafe.Pointer(&mem[0])
	r.sqHead = (*uint32)(unsafe.Add(base, p.SQOff.Head))
	r.sqTail = (*uint32)(unsafe.Add(base, p.SQOff.Tail))
	r.sqFlags = (*uint32)(unsafe.Add(base, p.SQOff.Flags))
	r.sqMask = *(*uint32)(unsafe.Add(base, p.SQOff.RingMask))
	r.sqEntries = *(*uint32)(unsafe.Add(base, p.SQOff.RingEntries))
	r.sqes = unsafe.Pointer(&sqes[0])
	r.sqeTail = atomic.LoadUint32(r.sqTail)
	// The SQ index array maps ring slot i to SQE i, once and for all.
	array := unsafe.Slice((*uint32)(unsafe.Add(base, p.SQOff.Array)), r.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	r.cqHead = (*uint32)(unsafe.Add(base, p.CQOff.Head))
	r.cqTail = (*uint32)(unsafe.Add(base, p.CQOff.Tail))
	r.cqMask = *(*uint32)(unsafe.Add(base, p.CQOff.RingMask))
	r.cqes = unsafe.Add(base, p.CQOff.CQEs)
	return nil
}

// Flags returns the setup flags the kernel accepted.
func (r *Ring) Flags() uint32 { return r.params.Flags }

// Enable starts a ring set up with SetupRDisabled. With SetupSingleIssuer the
// calling thread becomes the ring's only submitter.
func (r *Ring) Enable() error {
	return r.register(registerEnable, nil, 0, "enable rings")
}

func (r *Ring) register(op uintptr, arg unsafe.Pointer, n uintptr, what string) error {
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), op, uintptr(arg), n, 0, 0)
	if errno != 0 {
		return fmt.Errorf("io_uring_register %s: %w", what, errno)
	}
	return nil
}

// SQE returns the next free submission entry, zeroed, or nil when the
// submission queue is full (call Submit, then retry). The entry is handed to
// the kernel by the next Submit or Wait.
func (r *Ring) SQE() *SQE {
	head := atomic.LoadUint32(r.sqHead) // written by the kernel as it consumes entries
	if r.sqeTail-head >= r.sqEntries {
		return nil
	}
	sqe := (*SQE)(unsafe.Add(r.sqes, uintptr(r.sqeTail&r.sqMask)*sizeofSQE))
	*sqe = SQE{}
	r.sqeTail++
	return sqe
}

// SQSpace returns how many SQEs can be prepared before the queue is full.
func (r *Ring) SQSpace() uint32 {
	return r.sqEntries - (r.sqeTail - atomic.LoadUint32(r.sqHead))
}

// flush publishes the prepared SQEs to the kernel and returns how many are
// waiting to be submitted. The atomic store orders the SQE writes before the
// tail update (the kernel reads the tail with acquire semantics).
func (r *Ring) flush() uint32 {
	atomic.StoreUint32(r.sqTail, r.sqeTail)
	return r.sqeTail - atomic.LoadUint32(r.sqHead)
}

// Submit hands all prepared SQEs to the kernel without waiting.
func (r *Ring) Submit() error {
	n := r.flush()
	if n == 0 {
		return nil
	}
	return r.enter(n, 0, 0, nil)
}

// Wait submits all prepared SQEs and waits until at least one completion is
// ready or timeout passes (timeout < 0 waits without limit, 0 only polls).
// It returns nil on timeout and on a signal; the caller then drains the
// completion queue.
func (r *Ring) Wait(timeout time.Duration) error {
	n := r.flush()
	ready := r.Ready() > 0
	if n == 0 && ready && atomic.LoadUint32(r.sqFlags)&sqCQOverflow == 0 {
		return nil // completions are here already: no syscall
	}
	var minComplete uint32 = 1
	if ready || timeout == 0 {
		minComplete = 0
	}
	var ts *unix.Timespec
	if timeout >= 0 {
		r.ts = unix.NsecToTimespec(int64(timeout))
		ts = &r.ts
	}
	return r.enter(n, minComplete, enterGetEvents, ts)
}

// enter calls io_uring_enter with an EXT_ARG timeout. r.arg and r.ts are
// fields so that the memory the kernel reads stays put during the call.
func (r *Ring) enter(toSubmit, minComplete, flags uint32, ts *unix.Timespec) error {
	r.arg = getEventsArg{sigmaskSz: 8}
	if ts != nil {
		r.arg.ts = uint64(uintptr(unsafe.Pointer(ts)))
	}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), uintptr(minComplete),
		uintptr(flags|enterExtArg), uintptr(unsafe.Pointer(&r.arg)), sizeofExtArg)
	switch errno {
	case 0, unix.ETIME, unix.EINTR:
		return nil
	case unix.EAGAIN, unix.EBUSY:
		// Completion queue overflow or no memory for requests: the caller
		// drains completions and enters again.
		return nil
	default:
		return os.NewSyscallError("io_uring_enter", errno)
	}
}

// Ready returns the number of completions waiting in the completion queue.
func (r *Ring) Ready() uint32 {
	return atomic.LoadUint32(r.cqTail) - *r.cqHead
}

// Completions calls fn for each completion in the queue, in order, and then
// releases their slots to the kernel. It returns how many it handled.
// Completions arriving while fn runs are handled in the same call.
func (r *Ring) Completions(fn func(*CQE)) int {
	n := 0
	head := *r.cqHead // only we write the head
	for {
		tail := atomic.LoadUint32(r.cqTail) // acquire: CQE contents are visible
		if head == tail {
			break
		}
		for ; head != tail; head++ {
			cqe := (*CQE)(unsafe.Add(r.cqes, uintptr(head&r.cqMask)*sizeofCQE))
			fn(cqe)
			n++
		}
		atomic.StoreUint32(r.cqHead, head) // release the slots
	}
	return n
}

// Close unmaps the rings and closes the ring's descriptor. The kernel cancels
// whatever is still in flight.
func (r *Ring) Close() error {
	if r.sqeMem != nil {
		unix.Munmap(r.sqeMem)
		r.sqeMem = nil
	}
	if r.ringMem != nil {
		unix.Munmap(r.ringMem)
		r.ringMem = nil
	}
	if r.fd < 0 {
		return nil
	}
	err := unix.Close(r.fd)
	r.fd = -1
	if err != nil {
		return os.NewSyscallError("close io_uring", err)
	}
	return nil
}
