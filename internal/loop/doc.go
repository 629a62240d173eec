// Package loop is the server's event loop: one Loop per worker goroutine,
// locked to its OS thread while it runs, owning its listeners, connections,
// timers and receive buffers (DESIGN §5). It runs on io_uring (our binding
// in package uring: multishot accept, multishot recv into a provided buffer
// ring, sendmsg, connect, async cancel, all batched into one io_uring_enter
// per iteration) or on epoll (package epoll), with the same API and the same
// callback order; New with Auto falls back to epoll when io_uring cannot be
// set up, and FallbackReason says why (one log line for the caller).
//
// # Threads
//
// Only Post and Stop may be called from other goroutines. Listen, AfterFunc
// and Free may also be called before Run. Everything else is called on the
// loop's goroutine: from a callback (AcceptFunc, Handler methods, connected
// funcs, timer funcs) or from a posted function. Callbacks must not block.
//
// # Iteration
//
// Each iteration runs expired timers, submits what callbacks queued (all
// Sends of an iteration leave in one sendmsg per connection, all operations
// in one io_uring_enter), waits for completions (up to the next timer) and
// dispatches them to callbacks, running posted functions when woken.
//
// # Lifetimes
//
//   - Conn, Listener and Timer are small handles. A handle of a closed
//     connection, listener or timer stays dead: operations on it return
//     ErrClosed (StopTimer false), even after its slot is reused.
//   - Received bytes (OnRecv's b) belong to the loop: on io_uring they are a
//     provided buffer the kernel wrote into, recycled when OnRecv returns; on
//     epoll the loop's read buffer. Copy what must outlive the call.
//   - Sent bytes (Send, Writev) belong to the caller but must stay untouched
//     until that call's OnSend: the kernel reads them asynchronously. The
//     loop keeps them referenced (sendState.q) until then.
//   - A connection ends with exactly one OnClose, after every OnRecv and
//     OnSend for it, once the kernel holds none of its buffers. Close cancels
//     what is in flight; queued sends then report ErrClosed.
//   - Stop closes everything (each connection still gets OnClose) and Run
//     returns once the kernel has released every buffer; functions posted
//     before Stop still run. Graceful shutdown (stop accepting, let requests
//     finish, then Stop) is built from CloseListener, timers and Post.
//
// # Design notes
//
//   - Timers live in a heap on the loop; the backend's wait takes the time to
//     the earliest one (io_uring_enter with IORING_ENTER_EXT_ARG, or
//     epoll_wait's timeout). This costs no SQE or CQE per timer, and
//     stopping a timer needs no kernel round trip, so IORING_OP_TIMEOUT and
//     LINK_TIMEOUT are not used (connect and idle timeouts are AfterFunc
//     plus Close).
//   - Sockets driven by io_uring stay blocking: io_uring waits for them
//     itself (poll-armed in the kernel), and without O_NONBLOCK no operation
//     can complete early with -EAGAIN (read/write on O_NONBLOCK files do).
//     epoll's sockets are non-blocking.
//   - Sends use one sendmsg per connection at a time, gathering every
//     queued Send and Writev (up to 64 iovecs): a second send in flight on
//     a stream socket could interleave with a short first one.
//   - io_uring rings start disabled (IORING_SETUP_R_DISABLED) and are
//     enabled by Run, so the loop's own thread becomes the single issuer
//     that SINGLE_ISSUER|DEFER_TASKRUN require.
package loop
