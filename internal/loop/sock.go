package loop

// sockKind says what a sock slot holds.
type sockKind uint8

const (
	kindFree     sockKind = iota
	kindListener          // a listening socket with a multishot accept
	kindConn              // a stream connection (accepted or connected)
	kindWake              // the loop's eventfd
)

// sock is the loop's state for one descriptor. Slots live in Loop.socks and
// are reused (gen tells handles of earlier uses apart); a slot is freed only
// when no operation on it is in flight, so completions always find it.
type sock struct {
	id      uint32
	gen     uint32 // bumped when the slot is freed
	kind    sockKind
	fd      int // -1 once handed to the driver for closing
	closing bool
	pending int // operations in flight, each of which will still complete

	h         Handler
	accept    AcceptFunc        // listeners
	connected func(Conn, error) // outgoing connections, until connected
	recvOn    bool              // a multishot recv is armed
	recvDone  bool              // end of stream or a receive error was reported
	paused    bool              // PauseRecv: hold received data back
	resuming  bool              // in Loop.resumeq: the stash goes first
	cancelled bool              // the armed recv is being cancelled (PauseRecv)
	stash     []byte            // data received while paused, delivered on ResumeRecv
	recvEnd   error             // end of stream or error seen while paused
	sa        rawAddr           // connect's address: kept until the connect completes

	send sendState
}

// userData packs an operation and a sock id into a completion's user data.
func userData(o opKind, id uint32) uint64 { return uint64(o)<<56 | uint64(id) }

// opKind is the operation a completion belongs to.
type opKind uint8

const (
	opIgnore  opKind = iota // cancel and close: only failures complete, and are ignored
	opAccept                // multishot accept on a listener
	opRecv                  // multishot recv on a connection
	opSend                  // sendmsg of a connection's queued data
	opConnect               // connect of an outgoing connection
	opWake                  // readability of the eventfd
	opRead                  // ReadAt of a file
)

// udIgnore is the user data of operations whose completions are ignored.
const udIgnore = uint64(opIgnore) << 56

// alloc takes a free sock slot for fd.
func (l *Loop) alloc(kind sockKind, fd int) *sock {
	var s *sock
	if n := len(l.free); n > 0 {
		s = l.socks[l.free[n-1]]
		l.free = l.free[:n-1]
	} else {
		s = &sock{id: uint32(len(l.socks)), gen: 1}
		l.socks = append(l.socks, s)
	}
	s.kind, s.fd = kind, fd
	l.live++
	return s
}

// lookup returns the open sock of kind for a handle, or nil if the handle is
// stale, closed or of another kind.
func (l *Loop) lookup(id, gen uint32, kind sockKind) *sock {
	if int(id) >= len(l.socks) {
		return nil
	}
	s := l.socks[id]
	if s.gen != gen || s.kind != kind || s.closing {
		return nil
	}
	return s
}

// closeSock starts closing s: the driver cancels its operations and closes
// its descriptor; s is finished when the last completion arrives.
func (l *Loop) closeSock(s *sock) {
	s.closing = true
	if s.fd >= 0 {
		l.drv.CancelClose(s.fd)
		s.fd = -1
	}
	if s.pending == 0 {
		l.finq = append(l.finq, s.id)
	}
}

// done records the end of one of s's operations and finishes a closing s
// when it was the last.
func (l *Loop) done(s *sock) {
	s.pending--
	if s.closing && s.pending == 0 {
		l.finish(s)
	}
}

// finish tells the owner a closed sock is gone and frees its slot: queued
// sends fail with ErrClosed, then OnClose runs.
func (l *Loop) finish(s *sock) {
	if s.kind == kindFree || s.pending != 0 {
		return // already finished, or a completion is still due
	}
	c := Conn{id: s.id, gen: s.gen}
	l.failSends(s, c, ErrClosed)
	if s.kind == kindConn && s.h != nil {
		s.h.OnClose(c)
	}
	gen := s.gen + 1
	if gen == 0 {
		gen = 1 // the zero Conn never matches a slot
	}
	*s = sock{id: s.id, gen: gen, fd: -1, send: sendState{q: s.send.q[:0], iov: s.send.iov[:0]}}
	l.live--
	l.free = append(l.free, s.id)
}

// onComplete dispatches one completion from the driver.
func (l *Loop) onComplete(ud uint64, res int32, more bool, b []byte) {
	op := opKind(ud >> 56)
	if op == opIgnore {
		return
	}
	if op == opRead {
		l.onRead(uint32(ud), res)
		return
	}
	s := l.socks[uint32(ud)]
	switch op {
	case opAccept:
		l.onAccept(s, res, more)
	case opRecv:
		l.onRecv(s, res, more, b)
	case opSend:
		l.onSend(s, res)
	case opConnect:
		l.onConnect(s, res)
	case opWake:
		l.onWake(s, more)
	}
}

// flush submits what callbacks queued (sends, shutdowns) and finishes
// closed socks; it runs once per loop iteration, so that all sends a
// callback batch produced go to the kernel in one submission.
func (l *Loop) flush() {
	for len(l.flushq) > 0 || len(l.finq) > 0 || len(l.resumeq) > 0 {
		for i := 0; i < len(l.flushq); i++ {
			s := l.socks[l.flushq[i]]
			s.send.queued = false
			if s.kind == kindConn && !s.closing {
				l.submitSend(s)
			}
		}
		l.flushq = l.flushq[:0]
		for i := 0; i < len(l.resumeq); i++ {
			l.resume(l.resumeq[i])
		}
		l.resumeq = l.resumeq[:0]
		for i := 0; i < len(l.finq); i++ {
			l.finish(l.socks[l.finq[i]])
		}
		l.finq = l.finq[:0]
	}
}
