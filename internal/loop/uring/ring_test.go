package uring

import (
	"errors"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// setupTestRing creates a ring with the loop's preferred flags, skipping the
// test if io_uring is unavailable here.
func setupTestRing(t *testing.T) *Ring {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	r, err := Setup(8, 32, SetupSingleIssuer|SetupDeferTaskrun|SetupSubmitAll, SetupSubmitAll)
	if err != nil {
		var fe *FeatureError
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.As(err, &fe) {
			t.Skipf("io_uring unavailable: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// collect waits for n completions and returns them by user data.
func collect(t *testing.T, r *Ring, n int) map[uint64]CQE {
	t.Helper()
	seen := map[uint64]CQE{}
	for range 100 {
		if err := r.Wait(-1); err != nil {
			t.Fatal(err)
		}
		r.Completions(func(c *CQE) { seen[c.UserData] = *c })
		if len(seen) >= n {
			return seen
		}
	}
	t.Fatalf("got %d completions, want %d", len(seen), n)
	return nil
}

func TestSendRecvMultishot(t *testing.T) {
	r := setupTestRing(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	br, err := r.RegisterBufRing(1, 4, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Free()

	r.SQE().PrepRecvMultishot(fds[1], br.Group(), 7)
	msg := []byte("hello, ring")
	r.SQE().PrepSend(fds[0], msg, unix.MSG_NOSIGNAL, 8)
	seen := collect(t, r, 2)
	if c := seen[8]; c.Res != int32(len(msg)) {
		t.Fatalf("send: res %d, want %d", c.Res, len(msg))
	}
	c := seen[7]
	id, ok := c.BufferID()
	if !ok || !c.More() || c.Res != int32(len(msg)) {
		t.Fatalf("recv: res %d flags %#x, want %d bytes in a buffer, more", c.Res, c.Flags, len(msg))
	}
	if got := string(br.Buf(id, int(c.Res))); got != string(msg) {
		t.Fatalf("recv: got %q, want %q", got, msg)
	}
	br.Recycle(id)
	br.Publish()

	// Cancelling by fd ends the multishot recv with -ECANCELED.
	r.SQE().PrepCancelFD(fds[1], 9)
	seen = collect(t, r, 2)
	if c := seen[7]; c.Res != -int32(unix.ECANCELED) || c.More() {
		t.Fatalf("cancelled recv: res %d more %v, want -ECANCELED, no more", c.Res, c.More())
	}
	if c := seen[9]; c.Res != 1 {
		t.Fatalf("cancel: res %d, want 1 request cancelled", c.Res)
	}
}

func TestSQEFull(t *testing.T) {
	r := setupTestRing(t)
	n := 0
	for r.SQE() != nil {
		n++
	}
	if n != int(r.sqEntries) {
		t.Fatalf("got %d SQEs before full, want %d", n, r.sqEntries)
	}
}

func TestRegisterBufRingRejectsBadCount(t *testing.T) {
	r := setupTestRing(t)
	for _, count := range []int{0, 3, 1 << 16} {
		if _, err := r.RegisterBufRing(2, count, 64); err == nil {
			t.Errorf("count %d: no error", count)
		}
	}
}
