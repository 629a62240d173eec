package http1

import (
	"errors"
	"strconv"
)

// Writer errors. They mean the caller tried to produce an invalid message;
// the server answers 500 instead.
var (
	// ErrStatusCode reports a status code outside 100–999.
	ErrStatusCode = errors.New("http1: status code outside 100-999")
	// ErrFieldName reports a header field name that is not a token.
	ErrFieldName = errors.New("http1: invalid header field name")
	// ErrFieldValue reports a header field value with CR, LF, NUL, DEL or
	// another control other than HTAB, which could inject lines into the
	// message. Values are rejected, never stripped or rewritten.
	ErrFieldValue = errors.New("http1: invalid header field value")
	// ErrMethod reports a request method that is not a token.
	ErrMethod = errors.New("http1: invalid request method")
	// ErrTarget reports an empty request-target or one with bytes the
	// parser would reject (controls, SP, non-ASCII, '#').
	ErrTarget = errors.New("http1: invalid request-target")
)

// AppendStatusLine appends "HTTP/1.1 <code> <reason>\r\n" to dst, with the
// registered reason phrase (empty for unregistered codes). Codes outside
// 100–999 return dst unchanged and ErrStatusCode.
func AppendStatusLine(dst []byte, code int) ([]byte, error) {
	if code < 100 || code > 999 {
		return dst, ErrStatusCode
	}
	dst = append(dst, "HTTP/1.1 "...)
	dst = append(dst, byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10), ' ')
	dst = append(dst, StatusText(code)...)
	return append(dst, "\r\n"...), nil
}

// AppendRequestLine appends "<method> <target> HTTP/1.1\r\n" to dst, as a
// reverse proxy sends upstream. method must be a token and target non-empty
// visible ASCII without '#' (the request-target rules of the parser); else
// dst is returned unchanged with ErrMethod or ErrTarget.
func AppendRequestLine[M, T ~string | ~[]byte](dst []byte, method M, target T) ([]byte, error) {
	if !isToken(method) {
		return dst, ErrMethod
	}
	if len(target) == 0 {
		return dst, ErrTarget
	}
	for i := 0; i < len(target); i++ {
		if charClass[target[i]]&classTarget == 0 {
			return dst, ErrTarget
		}
	}
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	return append(dst, " HTTP/1.1\r\n"...), nil
}

// AppendHeader appends the field line "name: value\r\n" to dst after
// checking that name is a token and value holds only field-value bytes
// (VCHAR, obs-text, SP, HTAB). On error dst is returned unchanged.
func AppendHeader[N, V ~string | ~[]byte](dst []byte, name N, value V) ([]byte, error) {
	if !isToken(name) {
		return dst, ErrFieldName
	}
	if validValue(value) >= 0 {
		return dst, ErrFieldValue
	}
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...), nil
}

// AppendContentLength appends "Content-Length: n\r\n" to dst. A negative n
// is written as 0.
func AppendContentLength(dst []byte, n int64) []byte {
	if n < 0 {
		n = 0
	}
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, n, 10)
	return append(dst, "\r\n"...)
}

// AppendChunked appends "Transfer-Encoding: chunked\r\n" to dst.
func AppendChunked(dst []byte) []byte {
	return append(dst, "Transfer-Encoding: chunked\r\n"...)
}

// AppendConnectionClose appends "Connection: close\r\n" to dst.
func AppendConnectionClose(dst []byte) []byte {
	return append(dst, "Connection: close\r\n"...)
}

// AppendContinue appends the interim response "HTTP/1.1 100 Continue\r\n\r\n"
// sent to a client waiting on Expect: 100-continue.
func AppendContinue(dst []byte) []byte {
	return append(dst, "HTTP/1.1 100 Continue\r\n\r\n"...)
}

// AppendChunkSize appends the chunk-size line for a chunk of n bytes
// ("<hex n>\r\n"); the caller then sends the n bytes and "\r\n" (useful to
// send the data from its own buffer). n must be positive: a zero-size chunk
// ends the body, see AppendLastChunk; for n <= 0 nothing is appended.
func AppendChunkSize(dst []byte, n int) []byte {
	if n <= 0 {
		return dst
	}
	dst = strconv.AppendUint(dst, uint64(n), 16)
	return append(dst, "\r\n"...)
}

// AppendChunk appends data as one chunk of a chunked body. Empty data
// appends nothing, since an empty chunk would end the body.
func AppendChunk(dst, data []byte) []byte {
	if len(data) == 0 {
		return dst
	}
	dst = AppendChunkSize(dst, len(data))
	dst = append(dst, data...)
	return append(dst, "\r\n"...)
}

// AppendLastChunk appends the end of a chunked body: the zero-size chunk,
// the field lines of trailers (nil for none; as parsed, so already valid),
// and the final CRLF.
func AppendLastChunk(dst []byte, trailers *Headers) []byte {
	dst = append(dst, "0\r\n"...)
	if trailers != nil {
		for i := 0; i < trailers.Len(); i++ {
			dst = append(dst, trailers.Name(i)...)
			dst = append(dst, ": "...)
			dst = append(dst, trailers.Value(i)...)
			dst = append(dst, "\r\n"...)
		}
	}
	return append(dst, "\r\n"...)
}

// BodyAllowed reports whether a response with this status to a request
// with this method carries a body: never for HEAD, 1xx, 204 or 304
// (RFC 9110 §6.4.1). For HEAD and 304, Content-Length may still describe
// the body a GET would get; for 1xx and 204 it must not be sent.
func BodyAllowed(status int, method Method) bool {
	return method != MethodHead && status >= 200 && status != 204 && status != 304
}
