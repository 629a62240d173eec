package server

import (
	"crypto/tls"
	"net/netip"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// Request is the request a Handler answers. Its byte slices point into the
// connection's receive buffer (or its path and body scratch buffers) and
// are valid until the response is finished: copy what must be kept longer.
type Request struct {
	c    *conn
	head *http1.Request
	path []byte // normalised, decoded path
	body []byte
}

// Method returns the request method.
func (r *Request) Method() http1.Method { return r.head.Method() }

// MethodName returns the method token as received.
func (r *Request) MethodName() []byte { return r.head.MethodName() }

// Target returns the request-target as received.
func (r *Request) Target() []byte { return r.head.Target() }

// RawPath returns the path of the target still percent-encoded, as
// received ("*" for OPTIONS *; empty for an absolute-form target without a
// path).
func (r *Request) RawPath() []byte { return r.head.Path() }

// Path returns the decoded, normalised path (http1.NormalizePath): it
// starts with '/' and holds no "." or ".." segments. For OPTIONS * it is
// "*".
func (r *Request) Path() []byte { return r.path }

// Query returns the query after '?', or nil.
func (r *Request) Query() []byte { return r.head.Query() }

// Host returns the target host (Host field or absolute-form authority), or
// nil for an HTTP/1.0 request without one.
func (r *Request) Host() []byte { return r.head.Host() }

// Header returns the request's header fields.
func (r *Request) Header() *http1.Headers { return r.head.Header() }

// ProtoMinor returns the request's minor HTTP version, 0 or 1.
func (r *Request) ProtoMinor() int { return r.head.ProtoMinor() }

// Body returns the request body, read completely (empty when there is none
// or the handler's BodyPolicy declined it).
func (r *Request) Body() []byte { return r.body }

// RemoteAddr returns the client's address.
func (r *Request) RemoteAddr() netip.AddrPort { return r.c.peer }

// TLS reports whether the request came over TLS.
func (r *Request) TLS() bool { return r.c.tls != nil }

// TLSState returns the connection's TLS state, or nil for plain HTTP.
func (r *Request) TLSState() *tls.ConnectionState {
	if r.c.tls == nil {
		return nil
	}
	return &r.c.tls.state
}

// Loop returns the event loop the request runs on: a handler that defers
// its response uses it for upstream connections (Connect), timers
// (AfterFunc) and for getting back onto the loop from other goroutines
// (Post) before calling Completion.Finish.
func (r *Request) Loop() *loop.Loop { return r.c.w.lp }
