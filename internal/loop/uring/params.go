package uring

// Setup flags (io_uring_params.flags).
const (
	SetupCQSize       = 1 << 3  // IORING_SETUP_CQSIZE: Params.CQEntries is valid
	SetupRDisabled    = 1 << 6  // IORING_SETUP_R_DISABLED: start disabled, see Ring.Enable
	SetupSubmitAll    = 1 << 7  // IORING_SETUP_SUBMIT_ALL: keep submitting after a failed SQE
	SetupCoopTaskrun  = 1 << 8  // IORING_SETUP_COOP_TASKRUN
	SetupSingleIssuer = 1 << 12 // IORING_SETUP_SINGLE_ISSUER: one task submits
	SetupDeferTaskrun = 1 << 13 // IORING_SETUP_DEFER_TASKRUN: run completions only on enter
)

// Feature flags reported by the kernel (io_uring_params.features).
const (
	FeatSingleMmap = 1 << 0  // IORING_FEAT_SINGLE_MMAP: SQ and CQ rings share one mapping
	FeatNoDrop     = 1 << 1  // IORING_FEAT_NODROP: overflowing completions are kept
	FeatExtArg     = 1 << 8  // IORING_FEAT_EXT_ARG: io_uring_enter takes a timeout
	FeatCQESkip    = 1 << 11 // IORING_FEAT_CQE_SKIP: SQECQESkipSuccess works
)

// Operation codes (enum io_uring_op).
const (
	OpPollAdd     = 6
	OpSendmsg     = 9
	OpAccept      = 13
	OpAsyncCancel = 14
	OpConnect     = 16
	OpClose       = 19
	OpSend        = 26
	OpRecv        = 27
	OpRead        = 22
)

// SQE flags (io_uring_sqe.flags).
const (
	SQEIOHardlink     = 1 << 3 // IOSQE_IO_HARDLINK: run the next SQE even if this one fails
	SQEBufferSelect   = 1 << 5 // IOSQE_BUFFER_SELECT: pick a buffer from SQE.BufIndex's group
	SQECQESkipSuccess = 1 << 6 // IOSQE_CQE_SKIP_SUCCESS: post a CQE only on failure
)

// Per-operation flags.
const (
	AcceptMultishot = 1 << 0 // IORING_ACCEPT_MULTISHOT, in SQE.IoPrio
	RecvMultishot   = 1 << 1 // IORING_RECV_MULTISHOT, in SQE.IoPrio
	PollAddMulti    = 1 << 0 // IORING_POLL_ADD_MULTI, in SQE.Len
	CancelAll       = 1 << 0 // IORING_ASYNC_CANCEL_ALL, in SQE.OpFlags
	CancelFD        = 1 << 1 // IORING_ASYNC_CANCEL_FD, in SQE.OpFlags
)

// CQE flags (io_uring_cqe.flags).
const (
	CQEFBuffer      = 1 << 0     // IORING_CQE_F_BUFFER: the upper 16 bits hold the buffer id
	CQEFMore        = 1 << 1     // IORING_CQE_F_MORE: the (multishot) request stays armed
	CQEBufferShift  = 16         // IORING_CQE_BUFFER_SHIFT
	sqCQOverflow    = 1 << 1     // IORING_SQ_CQ_OVERFLOW, in the SQ ring's flags
	enterGetEvents  = 1 << 0     // IORING_ENTER_GETEVENTS
	enterExtArg     = 1 << 3     // IORING_ENTER_EXT_ARG
	registerEnable  = 12         // IORING_REGISTER_ENABLE_RINGS
	registerPbuf    = 22         // IORING_REGISTER_PBUF_RING
	unregisterPbuf  = 23         // IORING_UNREGISTER_PBUF_RING
	offSQRing       = 0          // IORING_OFF_SQ_RING
	offSQEs         = 0x10000000 // IORING_OFF_SQES
	sizeofSQE       = 64
	sizeofCQE       = 16
	sizeofBufEntry  = 16 // struct io_uring_buf
	sizeofExtArg    = 24 // struct io_uring_getevents_arg
	maxBufRingCount = 1 << 15
)

// Params is struct io_uring_params: the caller sets Flags (and CQEntries with
// SetupCQSize); the kernel fills in the rest.
type Params struct {
	SQEntries    uint32
	CQEntries    uint32
	Flags        uint32
	SQThreadCPU  uint32
	SQThreadIdle uint32
	Features     uint32
	WQFd         uint32
	_            [3]uint32
	SQOff        SQRingOffsets
	CQOff        CQRingOffsets
}

// SQRingOffsets is struct io_sqring_offsets: byte offsets of the SQ ring's
// fields in its mapping.
type SQRingOffsets struct {
	Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, _ uint32
	_                                                           uint64
}

// CQRingOffsets is struct io_cqring_offsets: byte offsets of the CQ ring's
// fields in its mapping.
type CQRingOffsets struct {
	Head, Tail, RingMask, RingEntries, Overflow, CQEs, Flags, _ uint32
	_                                                           uint64
}

// getEventsArg is struct io_uring_getevents_arg, passed with IORING_ENTER_EXT_ARG.
type getEventsArg struct {
	sigmask   uint64
	sigmaskSz uint32
	_         uint32
	ts        uint64
}

// bufReg is struct io_uring_buf_reg, the argument of IORING_REGISTER_PBUF_RING.
type bufReg struct {
	ringAddr    uint64
	ringEntries uint32
	bgid        uint16
	_           uint16
	_           [3]uint64
}
