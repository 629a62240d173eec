// Package caddydiff is the differential test suite against real Caddy
// (issue #7, Tests): every case is one Caddyfile served twice, by Caddy
// (github.com/caddyserver/caddy/v2 with its standard modules, in process)
// and by zeroserve (our adapter → caddyconf → compile → load, in process,
// to classify rejections; then served by the zeroserve binary TestMain
// builds, `zeroserve --caddy FILE --threads 1 --io uring|epoll`, so the
// reverse_proxy forwarder is cmd/zeroserve's own), on free loopback ports; the same requests go to both and
// their responses are compared: status, body, body framing
// (Content-Length, chunked or neither) and every header except the ones
// that may differ between two correct servers (Date, Server, Alt-Svc, Via,
// Keep-Alive).
//
// The tests link Caddy, so they only build with the caddyoracle tag:
//
//	go test -tags caddyoracle -run TestDifferential -v ./internal/caddydiff
//
// TestDifferential prints "caddy differential: N cases, D differences"
// (N counts the requests compared on io_uring), then the known differences
// (the knownDifferences table, each with its reason) and the cases skipped
// because zeroserve rejects a feature as unsupported. Any other difference
// fails the test. -run TestDifferential/<case name> runs one case;
// CADDYDIFF_SHOW=1 logs every response Caddy gives (to check that a case
// tests what it means to).
//
// # Adding cases
//
// Put them in a file cases_<area>_test.go (build tag caddyoracle) that
// registers them from init:
//
//	func init() {
//		addCases(
//			Case{
//				Name: "respond with a placeholder",
//				Caddyfile: `:{PORT} {
//		respond "hello {path}"
//	}`,
//				Requests: []Request{Get("/a"), {Method: "POST", Target: "/b", Body: "x"}},
//			},
//		)
//	}
//
// The Caddyfile is a template: {PORT} becomes the port each server listens
// on (every site must use it: one listener per case), {ROOT} the directory
// holding Case.Files and {UPSTREAM} the "127.0.0.1:port" of the mock
// upstream (an echo server, see upstream_test.go; Case.Upstream replaces it
// with your own http.Handler). Give host sites an http:// scheme
// (http://a.example:{PORT}): Caddy serves a host name on a port other than
// its http_port with TLS even with auto_https off. The harness adds a global options block
// with "admin off" and "auto_https off" (merged into the case's own global
// block if it has one). A request is sent on a new connection as raw
// HTTP/1.1 with exactly the header fields it lists (Host defaults to
// "localhost"); Request.Raw sends bytes of your own. Responses are compared
// after the server's port is replaced by "{PORT}" in headers and bodies.
//
// A case that zeroserve rejects with an unsupported error (a directive,
// matcher, handler or field not implemented: *caddyfile.UnsupportedError,
// *caddyconf.UnsupportedError, or a *compile.Error saying "not supported")
// is reported as skipped, not as a difference; Caddy still serves it, so
// the case is known to be valid. Any other rejection fails the case; keep these few. A difference that is deliberate goes in
// the knownDifferences table (known_test.go) with its reason; a bug found
// in a package this suite's owner may not change goes there too, marked
// Open with the owning package, until its owner fixes it.
package caddydiff
