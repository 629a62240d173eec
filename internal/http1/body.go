package http1

// BodyDecoder reads a message body framed as a Framing says, without
// copying: the data it returns are subslices of its input. The zero value
// is a finished decoder of an empty body; call Reset for each message. It
// never allocates, except for the *Error it returns.
//
// The caller keeps a receive buffer and calls Next with the bytes not yet
// consumed, then drops the first n of them, until Done. Next consumes only
// whole framing elements (a chunk-size line, a trailer section), so the
// bytes of a split element stay in the buffer and are presented again.
type BodyDecoder struct {
	_ noCopy

	kind      BodyKind
	state     chunkState
	remaining int64 // bytes left in the body (BodyLength) or chunk (BodyChunked)
	total     int64 // chunked: sum of chunk sizes so far
	limits    Limits
	trailers  Headers
	err       *Error
}

// Reset prepares d for a body framed as f, with l's MaxBodyBytes,
// MaxChunkLine, MaxTrailerBytes and MaxHeaders (zero fields take defaults).
// The body limit applies to chunked bodies; a Content-Length is checked by
// the parser.
func (d *BodyDecoder) Reset(f Framing, l Limits) {
	*d = BodyDecoder{kind: f.Kind, remaining: f.Length, limits: l.withDefaults()}
	if f.Kind == BodyLength && f.Length <= 0 {
		d.kind = BodyNone
	}
}

// Done reports whether the whole body has been consumed. A BodyUntilClose
// body is never done: it ends when the connection does.
func (d *BodyDecoder) Done() bool {
	switch d.kind {
	case BodyLength:
		return d.remaining == 0
	case BodyChunked:
		return d.state == chunkDone
	case BodyUntilClose:
		return false
	}
	return true
}

// Trailers returns the trailer section of a finished chunked body (empty
// otherwise). Its slices point into the input of the Next call that
// finished the body and live as long as those bytes.
func (d *BodyDecoder) Trailers() *Headers { return &d.trailers }

// Next consumes framing and at most one run of body data from in. It
// returns the data (a subslice of in, possibly empty) and the number n of
// bytes of in consumed, data included. n == 0 means more input is needed
// (or the body is done). Errors are *Error values with Status 400 (the
// request body is malformed; a reverse proxy answers 502 for an upstream's)
// or 413 (the body exceeds MaxBodyBytes) and Close set; they stick.
func (d *BodyDecoder) Next(in []byte) (data []byte, n int, err error) {
	if d.err != nil {
		return nil, 0, d.err
	}
	switch d.kind {
	case BodyLength:
		k := len(in)
		if int64(k) > d.remaining {
			k = int(d.remaining)
		}
		d.remaining -= int64(k)
		return in[:k], k, nil
	case BodyUntilClose:
		return in, len(in), nil
	case BodyChunked:
		data, n, e := d.nextChunked(in)
		if e != nil {
			d.err = e
			return nil, 0, e
		}
		return data, n, nil
	}
	return nil, 0, nil
}
