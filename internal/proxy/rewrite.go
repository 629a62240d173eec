package proxy

import (
	"strconv"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/server"
)

// appendRequest appends the upstream request for r to dst, following the
// rewriting rules in the package documentation: the head and the buffered
// body, or, when the body is streamed (length >= 0: Content-Length, -1:
// chunked; otherwise pass noStream), only the head. scratch is a reusable
// buffer for the path; both are returned grown.
func appendRequest(dst, scratch []byte, r *server.Request, u *Upstream, stream int64) ([]byte, []byte, error) {
	target, err := appendTarget(scratch[:0], r, u)
	if err != nil {
		return dst, target, err
	}
	dst, err = http1.AppendRequestLine(dst, r.MethodName(), target)
	if err != nil {
		return dst, target, err
	}
	host := r.Host()
	if host == nil {
		dst = append(dst, "Host: "...)
		dst = append(dst, u.HostPort()...)
		dst = append(dst, "\r\n"...)
	} else {
		dst = appendField(dst, "Host", host)
	}
	h := r.Header()
	conn := h.Get("connection")
	cookies := 0
	for i := 0; i < h.Len(); i++ {
		name := h.Name(i)
		if equalFold(name, "host") || hopByHop(name, conn) || equalFold(name, "expect") || equalFold(name, "content-length") {
			continue
		}
		if equalFold(name, "cookie") {
			if cookies++; cookies > 1 {
				continue
			}
			dst = appendCookies(dst, h)
			continue
		}
		dst = appendField(dst, string(name), h.Value(i))
	}
	if !h.Has("x-forwarded-for") {
		if a := r.RemoteAddr(); a.IsValid() {
			dst = append(dst, "X-Forwarded-For: "...)
			dst = a.Addr().Unmap().AppendTo(dst)
			dst = append(dst, "\r\n"...)
		}
	}
	if !h.Has("x-forwarded-proto") {
		if r.TLS() {
			dst = append(dst, "X-Forwarded-Proto: https\r\n"...)
		} else {
			dst = append(dst, "X-Forwarded-Proto: http\r\n"...)
		}
	}
	if !h.Has("x-forwarded-host") && len(host) > 0 {
		dst = appendField(dst, "X-Forwarded-Host", host)
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

// appendTarget appends the upstream request-target: the base path, the
// request's clean path (percent-encoding kept) and the merged query.
func appendTarget(dst []byte, r *server.Request, u *Upstream) ([]byte, error) {
	dst = append(dst, u.BasePath...)
	raw := r.RawPath()
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
	q := r.Query()
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
// h with "; " (RFC 9113 §8.2.3 and the original's rule).
func appendCookies(dst []byte, h *http1.Headers) []byte {
	dst = append(dst, "Cookie: "...)
	first := true
	for i := h.Index("cookie", 0); i >= 0; i = h.Index("cookie", i+1) {
		v := h.Value(i)
		if len(v) == 0 {
			continue
		}
		if !first {
			dst = append(dst, "; "...)
		}
		first = false
		dst = append(dst, v...)
	}
	return append(dst, "\r\n"...)
}

// appendField appends "name: value\r\n". Values come from a parsed message,
// so they are already valid field values.
func appendField(dst []byte, name string, value []byte) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}

// hopByHop reports whether the field name must not be forwarded: a
// hop-by-hop field of RFC 9110 §7.6.1, one the Connection value conn
// names, or any Proxy-* field.
func hopByHop(name, conn []byte) bool {
	switch {
	case equalFold(name, "connection"), equalFold(name, "keep-alive"), equalFold(name, "te"),
		equalFold(name, "trailer"), equalFold(name, "transfer-encoding"), equalFold(name, "upgrade"):
		return true
	case len(name) >= 6 && equalFold(name[:6], "proxy-"):
		return true
	case len(conn) > 0:
		return http1.HasToken(conn, string(name))
	}
	return false
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
