package loop

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/loop/uring"
	"golang.org/x/sys/unix"
)

// uringFlagSets are tried in order: the flags DESIGN §5 asks for, then those
// of kernels before 6.1 (no DEFER_TASKRUN) and 6.0 (no SINGLE_ISSUER). Every
// set starts the ring disabled so that Run's thread, not New's, becomes the
// single issuer (see uringDriver.Start).
var uringFlagSets = [...]uint32{
	uring.SetupSingleIssuer | uring.SetupDeferTaskrun | uring.SetupSubmitAll | uring.SetupRDisabled,
	uring.SetupSingleIssuer | uring.SetupCoopTaskrun | uring.SetupSubmitAll | uring.SetupRDisabled,
	uring.SetupSubmitAll | uring.SetupRDisabled,
}

// recvGroup is the provided buffer group every multishot recv selects from.
const recvGroup = 0

// uringDriver runs the driver operations on our io_uring binding.
type uringDriver struct {
	ring    *uring.Ring
	bufs    *uring.BufRing
	err     error        // first submission failure, returned by the next Wait
	scratch uring.SQE    // stands in for an SQE when the queue cannot be flushed
	fn      completeFunc // the current Wait's fn, for onCQE
	onCQE   func(*uring.CQE)
}

// newURingDriver sets up a ring and its receive buffer ring. Failures that
// mean "io_uring cannot be used here" wrap ErrNotSupported.
func newURingDriver(o *Options) (*uringDriver, error) {
	if o.uringSetupErr != nil {
		return nil, fmt.Errorf("io_uring: %w: %w", ErrNotSupported, o.uringSetupErr)
	}
	ring, err := uring.Setup(o.Entries, 4*o.Entries, uringFlagSets[:]...)
	if err != nil {
		var fe *uring.FeatureError
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) ||
			errors.Is(err, unix.EINVAL) || errors.As(err, &fe) {
			return nil, fmt.Errorf("io_uring: %w: %w", ErrNotSupported, err)
		}
		return nil, fmt.Errorf("io_uring: %w", err)
	}
	bufs, err := ring.RegisterBufRing(recvGroup, o.BufCount, o.BufSize)
	if err != nil {
		ring.Close()
		if errors.Is(err, unix.EINVAL) {
			return nil, fmt.Errorf("io_uring: provided buffer rings: %w: %w", ErrNotSupported, err)
		}
		return nil, err
	}
	d := &uringDriver{ring: ring, bufs: bufs}
	d.onCQE = d.handle
	return d, nil
}

// Start enables the ring on the calling (loop) thread, which with
// SINGLE_ISSUER becomes the only thread allowed to submit.
func (d *uringDriver) Start() error { return d.ring.Enable() }

// sqe returns a free SQE, submitting what is queued when the queue is full.
// If that submission fails, the error sticks (Wait returns it) and a scratch
// SQE that is never submitted is returned.
func (d *uringDriver) sqe() *uring.SQE {
	for d.err == nil {
		if s := d.ring.SQE(); s != nil {
			return s
		}
		d.err = d.ring.Submit()
	}
	d.scratch = uring.SQE{}
	return &d.scratch
}

// PollIn, Accept, Recv, CancelRecv, Sendmsg, ReadAt, Connect, Wait and Close
// implement driver (see there); each prepares one SQE, submitted by Wait.
func (d *uringDriver) PollIn(fd int, ud uint64) { d.sqe().PrepPollMultishot(fd, unix.POLLIN, ud) }

func (d *uringDriver) Accept(fd int, ud uint64) {
	d.sqe().PrepAcceptMultishot(fd, unix.SOCK_CLOEXEC, ud)
}

func (d *uringDriver) Recv(fd int, ud uint64) { d.sqe().PrepRecvMultishot(fd, recvGroup, ud) }

func (d *uringDriver) CancelRecv(fd int, ud uint64) {
	c := d.sqe()
	c.PrepCancel(ud, udIgnore)
	c.Flags |= uring.SQECQESkipSuccess
}

func (d *uringDriver) Sendmsg(fd int, msg *unix.Msghdr, ud uint64) {
	d.sqe().PrepSendmsg(fd, msg, unix.MSG_NOSIGNAL, ud)
}

func (d *uringDriver) ReadAt(fd int, b []byte, off int64, ud uint64) {
	d.sqe().PrepRead(fd, b, off, ud)
}

func (d *uringDriver) Connect(fd int, sa unsafe.Pointer, n uint32, ud uint64) {
	d.sqe().PrepConnect(fd, sa, n, ud)
}

// CancelClose submits an async cancel of everything on fd, hard-linked to a
// close of fd so the close runs after the cancel even when nothing was
// there to cancel. Both post a completion only on failure (ignored).
func (d *uringDriver) CancelClose(fd int) {
	if d.ring.SQSpace() < 2 && d.err == nil {
		d.err = d.ring.Submit() // keep the linked pair in one submission
	}
	c := d.sqe()
	c.PrepCancelFD(fd, udIgnore)
	c.Flags |= uring.SQEIOHardlink | uring.SQECQESkipSuccess
	cl := d.sqe()
	cl.PrepClose(fd, udIgnore)
	cl.Flags |= uring.SQECQESkipSuccess
}

func (d *uringDriver) Wait(timeout time.Duration, fn completeFunc) error {
	if d.err != nil {
		return d.err
	}
	if err := d.ring.Wait(timeout); err != nil {
		return err
	}
	d.fn = fn
	d.ring.Completions(d.onCQE)
	d.fn = nil
	d.bufs.Publish()
	return d.err
}

// handle passes one CQE on and recycles its receive buffer after the
// callback, which is when the buffer's bytes stop being valid.
func (d *uringDriver) handle(c *uring.CQE) {
	id, hasBuf := c.BufferID()
	var b []byte
	if hasBuf && c.Res > 0 {
		b = d.bufs.Buf(id, int(c.Res))
	}
	d.fn(c.UserData, c.Res, c.More(), b)
	if hasBuf {
		d.bufs.Recycle(id)
	}
}

func (d *uringDriver) Close() error {
	err := d.bufs.Free()
	if cerr := d.ring.Close(); err == nil {
		err = cerr
	}
	return err
}
