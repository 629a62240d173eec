// Package server is zeroserve's HTTP engine (DESIGN §5): worker threads,
// each running one event loop (package loop) with its own SO_REUSEPORT
// listeners, the HTTP/1.1 connection state machine on top of package
// http1, TLS on the loop with crypto/tls, timeouts and graceful shutdown.
//
// # Threads and ownership
//
// A Server starts Config.Threads workers. Each worker owns its loop, its
// listeners, its connections (conn structs from a free list), a DateCache
// and an access-log buffer; everything about a connection runs on its
// worker's loop goroutine and takes no locks. Other goroutines talk to a
// worker only through loop.Post: the TLS handshake goroutines, Shutdown and
// asynchronous handlers.
//
// # Handlers
//
// A Handler is called on the loop with a Request whose slices point into the
// connection's receive buffer and a ResponseWriter that appends into the
// connection's send buffer. It answers before returning, or calls
// ResponseWriter.Defer and finishes later, still on the loop, with
// Completion.Finish (the reverse proxy does this from its upstream
// callbacks). A handler must never block. A deferred response may also be
// streamed (ResponseWriter.Stream: head first, then body as written, with
// Buffered and OnDrain for backpressure), take its request body as it
// arrives (BodyStreamer, Request.OnBody, PauseBody) or switch protocols
// into a byte tunnel (ResponseWriter.SwitchProtocols, for WebSocket).
//
// # TLS
//
// The handshake runs in a short-lived goroutine on crypto/tls over an
// in-memory net.Conn (pipe) that the loop feeds; at most
// Config.MaxHandshakes run at once per worker, the others wait. Afterwards
// the loop drives the same tls.Conn: pipe.Read on an empty buffer returns a
// temporary net.Error, which crypto/tls treats as retryable, and pipe.Write
// appends ciphertext to the connection's send buffer.
package server
