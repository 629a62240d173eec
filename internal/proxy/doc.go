// Package proxy is zeroserve's reverse proxy engine (DESIGN §5): a
// server.Handler that forwards each request to an HTTP/1.1 upstream over
// keep-alive connections pooled per event loop, on the same loop as the
// client connection, and relays the response. Proxy.ServeHTTP1 forwards to
// the configured upstream; Proxy.Forward forwards to an upstream chosen per
// request (zs_reverse_proxy), sharing the proxy's pools, optionally with
// the request as scripts changed it (Outgoing: method, path, query, header
// fields), to which the same rules apply.
//
// # Request rewriting (the original's rules, reference §1.4)
//
//   - the request-target is the upstream's base path followed by the
//     request's clean path (still percent-encoded), and the upstream's query
//     merged with the request's ("a=1" and "b=2" give "a=1&b=2");
//   - Host is passed through unchanged (the upstream's host:port only for an
//     HTTP/1.0 request without one);
//   - X-Forwarded-For (the client's IP), X-Forwarded-Proto (http or https) and
//     X-Forwarded-Host (the request's host) are added when missing;
//   - hop-by-hop fields are not forwarded: Connection and the fields it
//     names, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade and every
//     Proxy-* field; nor are Expect (100-continue is answered by the server)
//     and Content-Length (the proxy frames the body itself);
//   - repeated Cookie fields are joined into one with "; ".
//
// # Bodies
//
// Response bodies stream: once the upstream's head arrives, the client gets
// the head (server.ResponseWriter.Stream) and then the body as it is
// received, with the upstream's Content-Length, or chunked when the
// upstream's body is chunked or close-delimited. When more than 256 KiB
// wait for the client, the proxy stops reading from the upstream
// (loop.PauseRecv) until the client has taken them (OnDrain), so TCP holds
// the upstream back. A failure after the head was sent can no longer be a
// 502: the client connection closes with the body cut short. Responses
// whose Content-Length is at most Config.BufferResponseBytes (64 KiB) are
// received whole and sent in one piece, still answered with a clean 502 if
// they fail. A HEAD response keeps the upstream's Content-Length.
//
// Request bodies stream too (server.BodyStreamer): chunked bodies and those
// above Config.BufferRequestBytes (64 KiB) go upstream as they arrive, with
// the client's Content-Length or chunked, one send at a time; while more
// than 256 KiB wait for the upstream, the client's body is paused
// (Request.PauseBody), so TCP holds the client back. A streamed request is
// never retried. Smaller bodies are received whole first (up to
// server.Config.Limits.MaxBodyBytes) and sent with Content-Length. Forward
// and Balance stream a body when the calling handler had the server stream
// it (server.Request.BodyStreamed; the script layer's server.Scripts uses
// the same policy), and then Outgoing.MaxBodyBytes (request_body max_size)
// cuts it with 413. An upstream answering before the upload ends (413)
// is relayed at once; the client connection closes after it and the
// upstream connection is not pooled.
// Interim 1xx responses from the upstream are skipped.
//
// # Upgrades
//
// An HTTP/1.1 request asking to switch protocols (Upgrade with
// "Connection: upgrade": WebSocket) is forwarded with those two fields; if
// the upstream answers 101, the client gets it (server.ResponseWriter.
// SwitchProtocols) and bytes are then relayed both ways as they come, with
// the same pauses as bodies, and no timeout, until either side closes,
// which closes the other. Any other answer is relayed as usual.
//
// # Failures
//
// A refused or failed connect, a reset, an invalid or truncated response
// give 502 Bad Gateway; no connection within Config.DialTimeout, or no byte
// from the upstream within Config.ReadTimeout while a response is awaited,
// give 504 Gateway Timeout. A pooled connection the upstream closed while it
// was idle is noticed by the loop and dropped; if the close races with a new
// request (the connection fails before any response byte arrives), an
// idempotent request is sent once more on a new connection. An early final
// response (say 413 before the upload is finished) is relayed, and that
// connection is not pooled. When the client goes away before its response
// is complete (server.ResponseWriter.OnAbort), the upstream connection is
// closed, which cancels the upstream's work.
//
// Upstream URLs are "http[s]://host[:port][/base][?query]". https
// upstreams use crypto/tls on the loop, as the server's TLS does: the
// handshake in a short goroutine over an in-memory pipe the loop feeds,
// then the loop drives the tls.Conn (Config.TLS sets roots and client
// certificates; the server name is the upstream's host). A handshake or
// verification failure is a 502. Unix socket upstreams are rejected by
// ParseUpstream with a URLError: the loop connects over TCP only.
//
// # Load balancing
//
// Proxy.Balance forwards through a Balancer, Caddy's reverse_proxy load
// balancing: its Policy chooses an available Backend per try (the
// selection policies of Caddy, with its XXH64 rendezvous hashing, so the
// hashing policies choose what Caddy chooses); a failed try (502/504
// before a response head was relayed) is counted by the passive health
// checks and tried again on a backend chosen anew while lb_retries and
// lb_try_duration allow, waiting lb_try_interval, and only for GET once
// the request may have reached the upstream (dial failures are always
// retried), as Caddy's tryAgain. No available backend is a 503. Backend
// state (requests in flight, remembered failures, the active checks'
// verdict) is process-wide, in atomics; active checks run in one
// goroutine per Balancer with net/http. The caller's Trip builds the
// request per try (header_up with the backend's placeholders), edits the
// response head on the loop before it is sent (header_down, header ops,
// response hooks) and is told when the exchange is over (Done), so that
// it may keep per-request state until then. Failures are answered with an
// empty body, as Caddy's proxy errors without error routes.
//
// # Pools
//
// Each event loop has its own pool of idle connections per upstream
// address (LIFO, at most Config.MaxIdleConns, each closed after
// Config.IdleTimeout), used only on that loop's goroutine: finding it is one
// sync.Map read, and no lock is taken per request. Stats counts
// connections dialed and reused, retries and backpressure pauses.
package proxy
