package epoll

import (
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

type result struct {
	res  int32
	more bool
	data string
}

// pump runs Wait until want completions arrived, recording them by user data.
func pump(t *testing.T, p *Poller, want int) map[uint64][]result {
	t.Helper()
	got := map[uint64][]result{}
	n := 0
	for range 100 {
		err := p.Wait(0, func(ud uint64, res int32, more bool, b []byte) {
			got[ud] = append(got[ud], result{res, more, string(b)})
			n++
		})
		if err != nil {
			t.Fatal(err)
		}
		if n >= want {
			return got
		}
	}
	t.Fatalf("got %d completions, want %d: %v", n, want, got)
	return nil
}

func socketpair(t *testing.T) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fds
}

func TestRecvSendCancel(t *testing.T) {
	p, err := New(4)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fds := socketpair(t)
	defer unix.Close(fds[0])

	p.Recv(fds[1], 1)
	iov := []unix.Iovec{{Base: &[]byte("hello")[0], Len: 5}}
	msg := unix.Msghdr{Iov: &iov[0], Iovlen: 1}
	p.Sendmsg(fds[0], &msg, 2)
	got := pump(t, p, 3) // the send, then "hell" (a full 4-byte buffer) and "o"
	if r := got[2]; len(r) != 1 || r[0].res != 5 || r[0].more {
		t.Errorf("send completions %v, want one with res 5", r)
	}
	if r := got[1]; len(r) != 2 || r[0].data != "hell" || r[1].data != "o" || !r[1].more {
		t.Errorf("recv completions %v, want \"hell\", \"o\", still armed", r)
	}

	// Cancelling ends the armed recv with exactly one final completion.
	p.CancelRecv(fds[1], 1)
	p.CancelRecv(fds[1], 1)
	got = pump(t, p, 1)
	if r := got[1]; len(r) != 1 || r[0].res != -int32(unix.ECANCELED) || r[0].more {
		t.Errorf("cancel completions %v, want one -ECANCELED", r)
	}

	// CancelClose completes what is armed and closes the descriptor.
	p.Recv(fds[1], 3)
	p.CancelClose(fds[1])
	got = pump(t, p, 1)
	if r := got[3]; len(r) != 1 || r[0].res != -int32(unix.ECANCELED) {
		t.Errorf("CancelClose completions %v, want one -ECANCELED", r)
	}
	if _, err := unix.FcntlInt(uintptr(fds[1]), unix.F_GETFD, 0); err != unix.EBADF {
		t.Errorf("descriptor still open after CancelClose: %v", err)
	}
}

func TestRecvEndOfStream(t *testing.T) {
	p, err := New(64)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fds := socketpair(t)
	defer unix.Close(fds[1])
	unix.Write(fds[0], []byte("bye"))
	unix.Close(fds[0])
	p.Recv(fds[1], 1)
	got := pump(t, p, 2)
	if r := got[1]; len(r) != 2 || r[0].data != "bye" || r[1].res != 0 || r[1].more {
		t.Errorf("completions %v, want \"bye\" then end of stream", r)
	}
}

func TestConnectRefused(t *testing.T) {
	p, err := New(64)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	// Port 1 on loopback: nothing listens there in a test sandbox.
	sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: [4]byte{127, 0, 0, 1}, Port: 1 << 8}
	p.Connect(fd, unsafe.Pointer(&sa), unix.SizeofSockaddrInet4, 9)
	got := map[uint64][]result{}
	for i := 0; len(got[9]) == 0 && i < 100; i++ {
		err := p.Wait(100*time.Millisecond, func(ud uint64, res int32, more bool, b []byte) {
			got[ud] = append(got[ud], result{res, more, ""})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r := got[9]; len(r) != 1 || r[0].res != -int32(unix.ECONNREFUSED) {
		t.Errorf("connect completions %v, want one -ECONNREFUSED", r)
	}
}
