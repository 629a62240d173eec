package proxy

import (
	"bytes"
	"strconv"
	"unsafe"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/server"
)

// view is the request as it is forwarded: the client's parsed request, or
// a script's changed copy (Outgoing). Its slices are valid while the
// request is.
type view struct {
	method []byte
	host   []byte // nil for an HTTP/1.0 request without Host
	path   []byte // as received (raw), cleaned by appendTarget
	query  []byte // nil without '?'
	fields []field
	ownXF  bool // fields carry the X-Forwarded-* wanted: add none (Outgoing.Forwarded)
}

// field is one header field line of a view.
type field struct{ name, value []byte }

// readBytes returns the bytes of s without copying them: a view only
// reads its bytes (appendRequest copies them into the request sent), so
// the strings' immutability holds.
func readBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// get returns the first value of the field name, or nil.
func (v *view) get(name string) []byte {
	for _, f := range v.fields {
		if equalFold(f.name, name) {
			return f.value
		}
	}
	return nil
}

// has reports whether the field name is present.
func (v *view) has(name string) bool {
	for _, f := range v.fields {
		if equalFold(f.name, name) {
			return true
		}
	}
	return false
}

// viewOf fills v from the client's request r, reusing v.fields.
func viewOf(v *view, r *server.Request) {
	h := r.Header()
	*v = view{method: r.MethodName(), host: r.Host(), path: r.RawPath(), query: r.Query(), fields: v.fields[:0]}
	for i := 0; i < h.Len(); i++ {
		v.fields = append(v.fields, field{h.Name(i), h.Value(i)})
	}
}

// appendRequest appends the upstream request for v (from r) to dst,
// following the rewriting rules in the package documentation: the head
// and the buffered body, or, when the body is streamed (length >= 0:
// Content-Length, -1: chunked; otherwise pass noStream), only the head.
// scratch is a reusable buffer for the path; both are returned grown.
// Header values are checked (a script may have set them): an invalid one
// is an error.
func appendRequest(dst, scratch []byte, v *view, r *server.Request, u *Upstream, stream int64) ([]byte, []byte, error) {
	target, err := appendTarget(scratch[:0], v, u)
	if err != nil {
		return dst, target, err
	}
	dst, err = http1.AppendRequestLine(dst, v.method, target)
	if err != nil {
		return dst, target, err
	}
	host := v.host
	if host == nil {
		host = []byte(u.HostPort())
	}
	if dst, err = http1.AppendHeader(dst, "Host", host); err != nil {
		return dst, target, err
	}
	conn := connNames(v.get("connection"))
	cookies := 0
	for _, f := range v.fields {
		if equalFold(f.name, "host") || hopByHop(f.name, conn) || equalFold(f.name, "expect") || equalFold(f.name, "content-length") {
			continue
		}
		if equalFold(f.name, "cookie") {
			if cookies++; cookies == 1 {
				dst = appendCookies(dst, v)
			}
			continue
		}
		if dst, err = http1.AppendHeader(dst, f.name, f.value); err != nil {
			return dst, target, err
		}
	}
	if !v.ownXF && !v.has("x-forwarded-for") {
		if a := r.RemoteAddr(); a.IsValid() {
			dst = append(dst, "X-Forwarded-For: "...)
			dst = a.Addr().Unmap().AppendTo(dst)
			dst = append(dst, "\r\n"...)
		}
	}
	if !v.ownXF && !v.has("x-forwarded-proto") {
		if r.TLS() {
			dst = append(dst, "X-Forwarded-Proto: https\r\n"...)
		} else {
			dst = append(dst, "X-Forwarded-Proto: http\r\n"...)
		}
	}
	if !v.ownXF && !v.has("x-forwarded-host") && len(v.host) > 0 {
		dst = appendField(dst, "X-Forwarded-Host", v.host)
	}
	if up := upgradeOf(r); up != nil {
		dst = append(dst, "Connection: Upgrade\r\n"...)
		dst = appendField(dst, "Upgrade", up)
	}
	switch {
	case stream == -1:
		dst = http1.AppendChunked(dst)
	case stream >= 0:
		dst = http1.AppendContentLength(dst, stream)
	default:
		body := r.Body()
		h := r.Header()
		if len(body) > 0 || h.Has("content-length") || h.Has("transfer-encoding") {
			dst = http1.AppendContentLength(dst, int64(len(body)))
		}
		dst = append(dst, "\r\n"...)
		return append(dst, body...), target, nil
	}
	return append(dst, "\r\n"...), target, nil
}

// upgradeOf returns the Upgrade value of an HTTP/1.1 request asking to
// switch protocols (Upgrade and "Connection: upgrade"), or nil: the only
// hop-by-hop fields forwarded, so that a WebSocket can be tunnelled.
func upgradeOf(r *server.Request) []byte {
	h := r.Header()
	if r.ProtoMinor() != 1 || !http1.HasToken(h.Get("connection"), "upgrade") {
		return nil
	}
	return h.Get("upgrade")
}

// noStream tells appendRequest the body is buffered.
const noStream = -2

// streamedBody returns how r's body is streamed upstream: its
// Content-Length (>= 0) if that is above BufferRequestBytes, -1 for a
// chunked body, noStream for no body or a small one (buffered: it can be
// sent again on a retry).
func streamedBody(r *server.Request, limit int64) int64 {
	h := r.Header()
	if h.Has("transfer-encoding") {
		return -1
	}
	v := h.Get("content-length")
	if v == nil {
		return noStream
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n <= limit {
		return noStream
	}
	return n
}

// serverStream is how r's body goes upstream when the server streams it
// to the handler (server.Request.BodyStreamed, decided by another handler
// such as the script layer's): -1 chunked, else its Content-Length;
// noStream when it is buffered.
func serverStream(r *server.Request) int64 {
	if !r.BodyStreamed() {
		return noStream
	}
	h := r.Header()
	if h.Has("transfer-encoding") {
		return -1
	}
	n, err := strconv.ParseInt(string(h.Get("content-length")), 10, 64)
	if err != nil {
		return -1 // the server accepted no such head; chunked is safe
	}
	return n
}

// appendTarget appends the upstream request-target: the base path, the
// request's clean path (percent-encoding kept) and the merged query.
func appendTarget(dst []byte, v *view, u *Upstream) ([]byte, error) {
	dst = append(dst, u.BasePath...)
	raw := v.path
	switch {
	case len(raw) == 1 && raw[0] == '*':
		if u.BasePath == "" {
			dst = append(dst, '*')
		}
	case len(raw) == 0:
		dst = append(dst, '/')
	default:
		var err error
		if dst, err = http1.CleanPath(dst, raw); err != nil {
			return dst, err
		}
	}
	q := v.query
	if u.Query != "" || len(q) > 0 {
		dst = append(dst, '?')
		dst = append(dst, u.Query...)
		if u.Query != "" && len(q) > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, q...)
	}
	return dst, nil
}

// appendCookies appends one Cookie field joining every Cookie field line of
// v with "; " (RFC 9113 §8.2.3 and the original's rule). Cookie values
// hold no CR or LF (checked by the parser, or here for a script's).
func appendCookies(dst []byte, v *view) []byte {
	dst = append(dst, "Cookie: "...)
	first := true
	for _, f := range v.fields {
		if !equalFold(f.name, "cookie") || len(f.value) == 0 || !validValue(f.value) {
			continue
		}
		if !first {
			dst = append(dst, "; "...)
		}
		first = false
		dst = append(dst, f.value...)
	}
	return append(dst, "\r\n"...)
}

// validValue reports whether b holds no control byte other than HTAB
// (field-value bytes, RFC 9110 §5.5).
func validValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// appendField appends "name: value\r\n". Values come from a parsed message,
// so they are already valid field values.
func appendField[N, V ~string | ~[]byte](dst []byte, name N, value V) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// hopByHop reports whether the field name must not be forwarded: a
// hop-by-hop field of RFC 9110 §7.6.1, one the Connection value conn
// names, or any Proxy-* field. Pass conn through connNames.
func hopByHop(name, conn []byte) bool {
	switch {
	case fixedHopByHop(name):
		return true
	case len(conn) > 0:
		return http1.HasToken(conn, string(name))
	}
	return false
}

// fixedHopByHop reports whether name is hop-by-hop whatever the
// Connection field says.
func fixedHopByHop(name []byte) bool {
	switch {
	case equalFold(name, "connection"), equalFold(name, "keep-alive"), equalFold(name, "te"),
		equalFold(name, "trailer"), equalFold(name, "transfer-encoding"), equalFold(name, "upgrade"):
		return true
	}
	return len(name) >= 6 && equalFold(name[:6], "proxy-")
}

// connNames returns the Connection value conn for hopByHop, or nil when
// it names only fields that are hop-by-hop anyway ("keep-alive", the
// usual value): then no field needs to be looked up in it.
func connNames(conn []byte) []byte {
	if len(conn) == 0 {
		return nil
	}
	for rest := conn; ; {
		tok, after, more := bytes.Cut(rest, []byte{','})
		if !fixedHopByHop(bytes.Trim(tok, " \t")) {
			return conn
		}
		if !more {
			return nil
		}
		rest = after
	}
}

// equalFold reports whether b equals the lower-case ASCII s under ASCII case
// folding.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// itoa formats n for messages.
func itoa(n int) string { return strconv.Itoa(n) }
