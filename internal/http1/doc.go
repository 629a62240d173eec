// Package http1 is zeroserve's HTTP/1.1 codec: a resumable, allocation-free
// request and response parser, body decoders (fixed length, chunked,
// close-delimited), path normalisation, and append-style response writers.
// It does no I/O: callers hand it byte slices from their receive buffers and
// append its output to their send buffers.
//
// # Buffers and lifetimes
//
// The parsers never copy. A parsed head records offsets into the slice given
// to the last Parse call, and every []byte an accessor returns is a subslice
// of it. Such a slice is valid until the next call to Reset or Parse on the
// same parser, or until the caller overwrites or reuses those bytes of its
// buffer, whichever comes first. Body data and trailers returned by
// BodyDecoder.Next are subslices of that call's input and follow the same
// rule.
//
// A parser may be called again with a longer slice holding the same bytes
// followed by newly received ones; the slice may live at a different address
// (a grown buffer), as offsets are relative to its start. Parse resumes where
// it stopped and never rescans a complete line.
//
// # Strictness
//
// The parser takes the strict option wherever RFC 9110 and RFC 9112 allow a
// choice, because two parsers that disagree about where a message ends make
// request smuggling possible:
//
//   - lines end in CRLF only; a bare LF or a bare CR anywhere in the head is
//     400 (RFC 9112 §2.2 allows accepting a bare LF; we do not);
//   - obs-fold, whitespace between a field name and its colon, field names
//     outside tchar, and field values holding NUL, CR, LF, DEL or other
//     controls except HTAB are 400;
//   - Content-Length together with Transfer-Encoding is 400; so is more than
//     one Content-Length field line, even with identical values (RFC 9110
//     §8.6 allows accepting identical ones; we do not), a list value, a sign,
//     inner whitespace or a value above 2^63-1;
//   - Transfer-Encoding must end in "chunked" and name it once, with no
//     empty list elements, else 400; any other transfer coding is 501 (we
//     implement none), and Transfer-Encoding in an HTTP/1.0 request is 400;
//   - Content_Length and Transfer_Encoding (underscore look-alikes that
//     CGI-style backends fold into the real fields) are 400;
//   - a chunk-size line is hex digits directly followed by CRLF or ';'
//     (no whitespace), with well-formed extensions, within
//     Limits.MaxChunkLine; trailers follow the field rules and may not
//     carry Content-Length, Transfer-Encoding or Host;
//   - HTTP/1.1 requests need exactly one valid Host; a request-target in
//     absolute-form must be http or https with a non-empty authority and no
//     userinfo, and its authority replaces Host (RFC 9112 §3.2.2);
//   - the request-target holds only visible ASCII and no '#';
//   - CONNECT (authority-form) is 405: zeroserve does not tunnel; '*' is
//     accepted for OPTIONS only;
//   - limits: a long request line is 414, a large head or too many fields
//     431, a Content-Length or chunked body above Limits.MaxBodyBytes 413;
//   - an HTTP/1.1 Expect other than 100-continue is 417, the only error
//     after which the connection may stay open (the head is complete and
//     the body framing known).
//
// Every parse error is an *Error carrying the status to answer with and
// whether the connection must be closed afterwards. Responses from
// upstreams follow the same rules, and every error there is 502.
//
// # Design
//
// The parsers work a line at a time: bytes.IndexByte finds the LF (and the
// search resumes where it stopped when input is split), then one pass over
// the line checks every byte against a 256-entry class table (field values
// eight bytes at a time, see firstBadValueByte). Well-known
// fields (Host, Content-Length, Transfer-Encoding, Connection, Expect,
// Upgrade) are recognised by length and a case-folded comparison as each
// line is parsed, so framing is decided when the empty line arrives, without
// a second pass. BenchmarkParseRequest measures it.
package http1
