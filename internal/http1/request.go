package http1

// Request is a parsed request head. Its []byte results are subslices of the
// buffer given to RequestParser.Parse: valid until the parser's next Reset
// or Parse, or until the caller reuses those bytes.
type Request struct {
	m requestMeta
	h Headers
}

// requestMeta is everything in a Request but the field slots, so that Reset
// clears it without touching the slot array.
type requestMeta struct {
	method, target, path, query span
	authority                   span // absolute-form authority
	host                        span // Host field value
	hasQuery                    bool
	hasHost                     bool
	minor                       uint8
	methodID                    Method
	form                        TargetForm
	framing                     Framing
	fs                          framingState
	conn                        connFlags
	expect                      expectation
	upgrade                     int // index+1 of the Upgrade field line; 0 if none
}

func (r *Request) bytes(s span) []byte { return r.h.buf[s.start:s.end:s.end] }

// Method returns the request method; MethodOther for unregistered tokens.
func (r *Request) Method() Method { return r.m.methodID }

// MethodName returns the method token as received.
func (r *Request) MethodName() []byte { return r.bytes(r.m.method) }

// Target returns the request-target as received.
func (r *Request) Target() []byte { return r.bytes(r.m.target) }

// Form returns the form of the request-target.
func (r *Request) Form() TargetForm { return r.m.form }

// Path returns the path part of the request-target, still percent-encoded:
// up to the first '?' for origin-form, after the authority for absolute-form
// (empty when the target has no path, which means "/"), and "*" for
// asterisk-form. See NormalizePath and CleanPath.
func (r *Request) Path() []byte { return r.bytes(r.m.path) }

// Query returns the query after the first '?' of the request-target, or nil
// when the target has no '?'.
func (r *Request) Query() []byte {
	if !r.m.hasQuery {
		return nil
	}
	return r.bytes(r.m.query)
}

// Host returns the target host: the authority of an absolute-form target,
// else the Host field value (possibly empty), or nil for an HTTP/1.0
// request without Host.
func (r *Request) Host() []byte {
	switch {
	case r.m.form == FormAbsolute:
		return r.bytes(r.m.authority)
	case r.m.hasHost:
		return r.bytes(r.m.host)
	}
	return nil
}

// ProtoMinor returns the minor HTTP version, 0 or 1.
func (r *Request) ProtoMinor() int { return int(r.m.minor) }

// Header returns the header section.
func (r *Request) Header() *Headers { return &r.h }

// Framing returns how the request body is delimited: BodyNone, BodyLength
// or BodyChunked.
func (r *Request) Framing() Framing { return r.m.framing }

// KeepAlive reports whether the client allows another request on the
// connection after this one (RFC 9112 §9.3).
func (r *Request) KeepAlive() bool { return r.m.conn.persist(r.m.minor) }

// ExpectContinue reports whether an HTTP/1.1 client sent
// "Expect: 100-continue" and waits for a 100 Continue (see AppendContinue)
// before sending the body. HTTP/1.0 expectations are ignored (RFC 9110
// §10.1.1).
func (r *Request) ExpectContinue() bool {
	return r.m.expect == expectContinue && r.m.minor == 1
}

// Upgrade returns the Upgrade field value when an HTTP/1.1 request asks to
// switch protocols (an Upgrade field and the "upgrade" Connection option),
// or nil. HTTP/1.0 upgrades are ignored (RFC 9110 §7.8).
func (r *Request) Upgrade() []byte {
	if r.m.upgrade == 0 || !r.m.conn.upgrade || r.m.minor == 0 {
		return nil
	}
	return r.h.Value(r.m.upgrade - 1)
}
