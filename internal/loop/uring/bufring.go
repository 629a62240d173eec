package uring

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// BufRing is a provided buffer ring (IORING_REGISTER_PBUF_RING): count
// receive buffers of size bytes each that the kernel picks from for requests
// with SQEBufferSelect. Both the ring and the buffers are anonymous mappings,
// outside the Go heap, so the kernel's raw pointers to them stay valid until
// Free.
type BufRing struct {
	ring    *Ring
	group   uint16
	entries []byte // count struct io_uring_buf; the tail overlays entry 0's resv
	bufs    []byte // count*size bytes of buffer memory
	size    int
	mask    uint16
	tail    uint16 // next entry to fill; published by Publish
}

// RegisterBufRing maps count (a power of two, at most 32768) buffers of size
// bytes, registers them as buffer group group and provides all of them.
func (r *Ring) RegisterBufRing(group uint16, count, size int) (*BufRing, error) {
	if count <= 0 || count > maxBufRingCount || count&(count-1) != 0 {
		return nil, fmt.Errorf("io_uring: buffer ring count %d is not a power of two in [1, %d]", count, maxBufRingCount)
	}
	if size <= 0 || size > 1<<30 {
		return nil, fmt.Errorf("io_uring: buffer size %d out of range", size)
	}
	entries, err := unix.Mmap(-1, 0, count*sizeofBufEntry, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, os.NewSyscallError("mmap buffer ring", err)
	}
	bufs, err := unix.Mmap(-1, 0, count*size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		unix.Munmap(entries)
		return nil, os.NewSyscallError("mmap buffers", err)
	}
	br := &BufRing{ring: r, group: group, entries: entries, bufs: bufs, size: size, mask: uint16(count - 1)}
	reg := bufReg{ringAddr: uint64(uintptr(unsafe.Pointer(&entries[0]))), ringEntries: uint32(count), bgid: group}
	if err := r.register(registerPbuf, unsafe.Pointer(&reg), 1, "pbuf ring"); err != nil {
		unix.Munmap(entries)
		unix.Munmap(bufs)
		return nil, err
	}
	for id := range count {
		br.Recycle(uint16(id))
	}
	br.Publish()
	return br, nil
}

// Group returns the buffer group id to put in SQE.BufIndex.
func (br *BufRing) Group() uint16 { return br.group }

// Buf returns the first n bytes of buffer id, as a completion reported them.
// The slice aliases the mapping: it is valid until the buffer is recycled.
func (br *BufRing) Buf(id uint16, n int) []byte {
	off := int(id) * br.size
	return br.bufs[off : off+n : off+br.size]
}

// Recycle gives buffer id back to the kernel. It becomes visible at the next
// Publish.
func (br *BufRing) Recycle(id uint16) {
	e := unsafe.Pointer(&br.entries[int(br.tail&br.mask)*sizeofBufEntry])
	*(*uint64)(e) = uint64(uintptr(unsafe.Pointer(&br.bufs[int(id)*br.size])))
	*(*uint32)(unsafe.Add(e, 8)) = uint32(br.size)
	*(*uint16)(unsafe.Add(e, 12)) = id
	br.tail++
}

// Publish makes recycled buffers visible to the kernel. The 16-bit tail sits
// at bytes 14-15 of entry 0, beside entry 0's 16-bit bid at bytes 12-13; Go
// has no 16-bit atomic store, so both are stored with one 32-bit atomic store
// (release order after the entry writes). Entry 0's bid is only written by
// us, so storing it back unchanged races with nothing. Little-endian layout.
func (br *BufRing) Publish() {
	word := (*uint32)(unsafe.Pointer(&br.entries[12]))
	bid0 := *(*uint16)(unsafe.Pointer(&br.entries[12]))
	atomic.StoreUint32(word, uint32(bid0)|uint32(br.tail)<<16)
}

// Free unregisters the buffer group and unmaps its memory. No request using
// the group may be in flight.
func (br *BufRing) Free() error {
	reg := bufReg{bgid: br.group}
	err := br.ring.register(unregisterPbuf, unsafe.Pointer(&reg), 1, "unregister pbuf ring")
	unix.Munmap(br.entries)
	unix.Munmap(br.bufs)
	br.entries, br.bufs = nil, nil
	return err
}
