package http1

// MaxHeaderSlots is the number of header field slots a parser holds: the
// largest value Limits.MaxHeaders can take.
const MaxHeaderSlots = 128

// Limits bounds what the parsers and body decoders accept. A zero field means
// the default from DefaultLimits; byte limits above 1 GiB are capped to it.
type Limits struct {
	// MaxRequestLine bounds the request line (and a response's status line)
	// in bytes, without CRLF. Longer is 414 URI Too Long.
	MaxRequestLine int
	// MaxHeaderBytes bounds the whole head: leading empty lines, the start
	// line, the field lines and the terminating empty line. Longer is 431.
	MaxHeaderBytes int
	// MaxHeaders bounds the number of field lines, at most MaxHeaderSlots.
	// More is 431.
	MaxHeaders int
	// MaxBodyBytes bounds a request body. A larger Content-Length is 413 when
	// the head is parsed; a chunked body is 413 as soon as a chunk size goes
	// over. Negative means no limit.
	MaxBodyBytes int64
	// MaxChunkLine bounds a chunk-size line with its extensions, in bytes.
	// Longer is 400.
	MaxChunkLine int
	// MaxTrailerBytes bounds a chunked body's trailer section. Longer is 431.
	MaxTrailerBytes int
}

// DefaultLimits returns the limits used for zero fields: an 8 KiB request
// line, a 32 KiB head, 100 field lines, a 1 GiB body, 4 KiB chunk lines and
// 8 KiB of trailers.
func DefaultLimits() Limits {
	return Limits{
		MaxRequestLine:  8 << 10,
		MaxHeaderBytes:  32 << 10,
		MaxHeaders:      100,
		MaxBodyBytes:    1 << 30,
		MaxChunkLine:    4 << 10,
		MaxTrailerBytes: 8 << 10,
	}
}

// maxByteLimit caps the byte limits so that offsets fit the int32 spans
// the parsers record.
const maxByteLimit = 1 << 30

// withDefaults returns l with zero fields replaced by defaults, MaxHeaders
// capped to MaxHeaderSlots and byte limits to maxByteLimit.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	l.MaxRequestLine = min(l.MaxRequestLine, maxByteLimit)
	l.MaxHeaderBytes = min(l.MaxHeaderBytes, maxByteLimit)
	l.MaxChunkLine = min(l.MaxChunkLine, maxByteLimit)
	l.MaxTrailerBytes = min(l.MaxTrailerBytes, maxByteLimit)
	if l.MaxRequestLine <= 0 {
		l.MaxRequestLine = d.MaxRequestLine
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxHeaders <= 0 {
		l.MaxHeaders = d.MaxHeaders
	}
	if l.MaxHeaders > MaxHeaderSlots {
		l.MaxHeaders = MaxHeaderSlots
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxChunkLine <= 0 {
		l.MaxChunkLine = d.MaxChunkLine
	}
	if l.MaxTrailerBytes <= 0 {
		l.MaxTrailerBytes = d.MaxTrailerBytes
	}
	return l
}
