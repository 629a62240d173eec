// Package uring is a small binding to Linux io_uring on golang.org/x/sys/unix:
// ring setup and mapping, submission and completion queue handling with the
// kernel's memory ordering, the operations the event loop needs (multishot
// accept, multishot recv with a provided buffer ring, send, sendmsg, connect,
// poll, close, async cancel) and provided buffer ring registration.
//
// A Ring is used by one goroutine locked to one OS thread (the rings are set
// up with IORING_SETUP_SINGLE_ISSUER when the kernel supports it). Struct
// layouts and constants follow the kernel's uapi header linux/io_uring.h.
//
// Memory the kernel reads or writes asynchronously (send buffers, iovecs,
// msghdrs, socket addresses) is not copied by this package: the caller keeps
// it referenced from Go until the operation's completion arrives. The ring
// memory and provided receive buffers are mmap'd, outside the Go heap.
package uring
