package loop

import (
	"errors"

	"golang.org/x/sys/unix"
)

// maxRead caps one ReadAt (the SQE's length is 32 bits).
const maxRead = 1 << 30

// fileReq is one ReadAt in flight.
type fileReq struct {
	b    []byte // the caller's buffer: referenced here until the completion
	done func(n int, err error)
}

// fileReads is the table of ReadAt requests in flight; a request's id is its
// index, reused once it completes.
type fileReads struct {
	reqs     []fileReq
	free     []uint32
	inflight int
}

// ReadAt reads up to len(b) bytes of the open file fd at offset off, for
// the file server. done is called on the loop's goroutine with the number
// of bytes read (0 at end of file) or the error. b must not be touched, and
// fd must stay open, until then; fd stays the caller's. On io_uring the read
// is asynchronous; on epoll it is a pread on the loop's thread (regular
// files are always "ready"), which blocks the loop while the page cache
// misses. Functions posted before Stop may still start reads; Run waits for
// them.
func (l *Loop) ReadAt(fd int, b []byte, off int64, done func(n int, err error)) error {
	if l.state.Load() == loopDone {
		return ErrStopped
	}
	if done == nil || off < 0 || fd < 0 {
		return errors.New("loop: ReadAt needs a descriptor, an offset >= 0 and a done func")
	}
	b = b[:min(len(b), maxRead)]
	fr := &l.reads
	var id uint32
	if n := len(fr.free); n > 0 {
		id = fr.free[n-1]
		fr.free = fr.free[:n-1]
	} else {
		id = uint32(len(fr.reqs))
		fr.reqs = append(fr.reqs, fileReq{})
	}
	// fr.reqs[id].b keeps b referenced until onRead.
	fr.reqs[id] = fileReq{b: b, done: done}
	fr.inflight++
	l.drv.ReadAt(fd, b, off, userData(opRead, id))
	return nil
}

func (l *Loop) onRead(id uint32, res int32) {
	fr := &l.reads
	done := fr.reqs[id].done
	fr.reqs[id] = fileReq{}
	fr.free = append(fr.free, id)
	fr.inflight--
	if res < 0 {
		done(0, &OpError{Op: "read", Err: unix.Errno(-res)})
		return
	}
	done(int(res), nil)
}
