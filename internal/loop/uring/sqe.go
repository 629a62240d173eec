package uring

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// SQE is struct io_uring_sqe (64 bytes). The Prep methods fill in one
// operation; the union fields are named for their most common use.
type SQE struct {
	Opcode      uint8
	Flags       uint8  // SQE* flags
	IoPrio      uint16 // also the multishot flags of accept and recv
	Fd          int32
	Off         uint64 // offset, addr2, or the address length of connect
	Addr        uint64 // buffer, iovec, msghdr or sockaddr address
	Len         uint32
	OpFlags     uint32 // msg_flags, accept_flags, cancel_flags, poll32_events...
	UserData    uint64 // returned unchanged in the CQE
	BufIndex    uint16 // buffer group id with SQEBufferSelect
	Personality uint16
	SpliceFdIn  int32
	Addr3       uint64
	_           uint64
}

// CQE is struct io_uring_cqe (16 bytes).
type CQE struct {
	UserData uint64
	Res      int32 // result, or -errno
	Flags    uint32
}

// More reports whether a multishot request stays armed after this CQE.
func (c *CQE) More() bool { return c.Flags&CQEFMore != 0 }

// BufferID returns the provided buffer a receive used, and whether one was.
func (c *CQE) BufferID() (uint16, bool) {
	return uint16(c.Flags >> CQEBufferShift), c.Flags&CQEFBuffer != 0
}

// PrepAcceptMultishot accepts connections on the listening socket fd until
// the request fails or is cancelled; each CQE carries a new descriptor.
func (s *SQE) PrepAcceptMultishot(fd int, flags int, ud uint64) {
	s.Opcode = OpAccept
	s.Fd = int32(fd)
	s.IoPrio = AcceptMultishot
	s.OpFlags = uint32(flags)
	s.UserData = ud
}

// PrepRecvMultishot receives on fd into buffers of provided buffer group
// group until the request fails, is cancelled, runs out of buffers (-ENOBUFS)
// or reaches end of stream (Res 0).
func (s *SQE) PrepRecvMultishot(fd int, group uint16, ud uint64) {
	s.Opcode = OpRecv
	s.Fd = int32(fd)
	s.IoPrio = RecvMultishot
	s.Flags = SQEBufferSelect
	s.BufIndex = group
	s.UserData = ud
}

// PrepSend sends b on the socket fd with flags (MSG_*). b must stay
// referenced until the completion arrives.
func (s *SQE) PrepSend(fd int, b []byte, flags int, ud uint64) {
	s.Opcode = OpSend
	s.Fd = int32(fd)
	if len(b) > 0 {
		s.Addr = uint64(uintptr(unsafe.Pointer(&b[0])))
	}
	s.Len = uint32(len(b))
	s.OpFlags = uint32(flags)
	s.UserData = ud
}

// PrepSendmsg sends msg on the socket fd with flags (MSG_*). msg, its iovec
// array and the buffers they point to must stay referenced until the
// completion arrives.
func (s *SQE) PrepSendmsg(fd int, msg *unix.Msghdr, flags int, ud uint64) {
	s.Opcode = OpSendmsg
	s.Fd = int32(fd)
	s.Addr = uint64(uintptr(unsafe.Pointer(msg)))
	s.Len = 1
	s.OpFlags = uint32(flags)
	s.UserData = ud
}

// PrepRead reads into b from fd at offset off. b must stay referenced until
// the completion arrives.
func (s *SQE) PrepRead(fd int, b []byte, off int64, ud uint64) {
	s.Opcode = OpRead
	s.Fd = int32(fd)
	if len(b) > 0 {
		s.Addr = uint64(uintptr(unsafe.Pointer(&b[0])))
	}
	s.Len = uint32(len(b))
	s.Off = uint64(off)
	s.UserData = ud
}

// PrepConnect connects the socket fd to the raw socket address sa of length
// n. sa must stay referenced until the completion arrives.
func (s *SQE) PrepConnect(fd int, sa unsafe.Pointer, n uint32, ud uint64) {
	s.Opcode = OpConnect
	s.Fd = int32(fd)
	s.Addr = uint64(uintptr(sa))
	s.Off = uint64(n)
	s.UserData = ud
}

// PrepPollMultishot reports each time fd becomes ready for events (POLL*),
// until cancelled.
func (s *SQE) PrepPollMultishot(fd int, events uint32, ud uint64) {
	s.Opcode = OpPollAdd
	s.Fd = int32(fd)
	s.Len = PollAddMulti
	s.OpFlags = events
	s.UserData = ud
}

// PrepCancelFD cancels every request in flight on fd; they complete with
// -ECANCELED (or their own result if they finish first).
func (s *SQE) PrepCancelFD(fd int, ud uint64) {
	s.Opcode = OpAsyncCancel
	s.Fd = int32(fd)
	s.OpFlags = CancelAll | CancelFD
	s.UserData = ud
}

// PrepCancel cancels the request in flight whose user data is target.
func (s *SQE) PrepCancel(target uint64, ud uint64) {
	s.Opcode = OpAsyncCancel
	s.Fd = -1
	s.Addr = target
	s.UserData = ud
}

// PrepClose closes fd.
func (s *SQE) PrepClose(fd int, ud uint64) {
	s.Opcode = OpClose
	s.Fd = int32(fd)
	s.UserData = ud
}
