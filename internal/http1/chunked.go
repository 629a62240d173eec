package http1

import "bytes"

// chunkState is where a chunked body decoder is (RFC 9112 §7.1):
//
//	chunkSize     -> chunkData (size > 0) | chunkTrailers (size 0)
//	chunkData     -> chunkDataEnd (all chunk bytes consumed)
//	chunkDataEnd  -> chunkSize (CRLF consumed)
//	chunkTrailers -> chunkDone (empty line consumed)
type chunkState uint8

const (
	chunkSize     chunkState = iota // expecting a chunk-size line
	chunkData                       // inside chunk data
	chunkDataEnd                    // expecting the CRLF after chunk data
	chunkTrailers                   // expecting the trailer section
	chunkDone                       // the body is complete
)

var chunkStateNames = [...]string{"chunkSize", "chunkData", "chunkDataEnd", "chunkTrailers", "chunkDone"}

// String returns the state's name.
func (s chunkState) String() string {
	if int(s) < len(chunkStateNames) {
		return chunkStateNames[s]
	}
	return "chunkState(invalid)"
}

// maxChunkSizeDigits bounds chunk-size: 15 hex digits keep every size
// below 2^60, far above any body limit, so sums cannot overflow.
const maxChunkSizeDigits = 15

// nextChunked implements Next for BodyChunked. Error offsets are relative
// to in.
func (d *BodyDecoder) nextChunked(in []byte) ([]byte, int, *Error) {
	i := 0
	for {
		switch d.state {
		case chunkSize:
			lf := bytes.IndexByte(in[i:], '\n')
			if lf < 0 {
				if len(in)-i > d.limits.MaxChunkLine+1 {
					return nil, 0, badRequest("chunk-size line too long", i+d.limits.MaxChunkLine)
				}
				return nil, i, nil
			}
			lf += i
			if lf-i > d.limits.MaxChunkLine+1 {
				return nil, 0, badRequest("chunk-size line too long", i+d.limits.MaxChunkLine)
			}
			if lf == i || in[lf-1] != '\r' {
				return nil, 0, badRequest("bare LF in chunked body", lf)
			}
			size, err := parseChunkLine(in, i, lf-1)
			if err != nil {
				return nil, 0, err
			}
			i = lf + 1
			if size == 0 {
				d.state = chunkTrailers
				continue
			}
			d.total += size
			if max := d.limits.MaxBodyBytes; max >= 0 && d.total > max {
				return nil, 0, fail(413, "chunked body exceeds the body limit", i)
			}
			d.remaining = size
			d.state = chunkData
		case chunkData:
			k := len(in) - i
			if k == 0 {
				return nil, i, nil
			}
			if int64(k) > d.remaining {
				k = int(d.remaining)
			}
			d.remaining -= int64(k)
			if d.remaining == 0 {
				d.state = chunkDataEnd
			}
			return in[i : i+k], i + k, nil
		case chunkDataEnd:
			if len(in)-i < 2 {
				if len(in) > i && in[i] != '\r' {
					return nil, 0, badRequest("chunk data not followed by CRLF", i)
				}
				return nil, i, nil
			}
			if in[i] != '\r' || in[i+1] != '\n' {
				return nil, 0, badRequest("chunk data not followed by CRLF", i)
			}
			i += 2
			d.state = chunkSize
		case chunkTrailers:
			end, err := d.parseTrailers(in, i)
			if err != nil {
				return nil, 0, err
			}
			if end < 0 {
				return nil, i, nil
			}
			d.state = chunkDone
			return nil, end, nil
		default:
			return nil, i, nil
		}
	}
}

// parseChunkLine parses chunk-size [ chunk-ext ] at in[start:end]
// (RFC 9112 §7.1.1): one to maxChunkSizeDigits hex digits, then extensions
// *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ), which
// are checked and ignored. Whitespace right after the size is rejected
// although the grammar allows it as BWS: net/http and others reject it, and
// parsers that disagree on chunk framing enable smuggling.
func parseChunkLine(in []byte, start, end int) (int64, *Error) {
	i := start
	var size int64
	for i < end && charClass[in[i]]&classHex != 0 {
		if i-start == maxChunkSizeDigits {
			return 0, badRequest("chunk size too large", i)
		}
		size = size<<4 | int64(unhex(in[i]))
		i++
	}
	if i == start {
		return 0, badRequest("invalid chunk size", i)
	}
	for first := true; i < end; first = false {
		if !first {
			i = skipOWS(in, i, end)
		}
		if i == end || in[i] != ';' {
			return 0, badRequest("invalid chunk extension", i)
		}
		i = skipOWS(in, i+1, end)
		ns := i
		for i < end && charClass[in[i]]&classTchar != 0 {
			i++
		}
		if i == ns {
			return 0, badRequest("invalid chunk extension name", i)
		}
		j := skipOWS(in, i, end)
		if j == end || in[j] != '=' {
			i = j
			continue
		}
		i = skipOWS(in, j+1, end)
		vs := i
		if i < end && in[i] == '"' {
			i = skipQuoted(in, i, end)
			if i < 0 {
				return 0, badRequest("invalid quoted chunk extension value", vs)
			}
			continue
		}
		for i < end && charClass[in[i]]&classTchar != 0 {
			i++
		}
		if i == vs {
			return 0, badRequest("invalid chunk extension value", i)
		}
	}
	return size, nil
}

// skipOWS returns the index of the first non-OWS byte of in[i:end], or end.
func skipOWS(in []byte, i, end int) int {
	for i < end && isOWS(in[i]) {
		i++
	}
	return i
}

// skipQuoted returns the index after the quoted-string starting at in[i]
// (a '"'), or -1 if it is malformed or unterminated (RFC 9110 §5.6.4).
func skipQuoted(in []byte, i, end int) int {
	for i++; i < end; i++ {
		switch c := in[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			i++
			if i == end || charClass[in[i]]&classValue == 0 {
				return -1
			}
		case charClass[c]&classValue == 0:
			return -1
		}
	}
	return -1
}

// unhex returns the value of the hex digit c.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// parseTrailers parses the trailer section starting at in[start] with the
// header field rules. It returns the index after the terminating empty
// line, or -1 when in does not yet hold the whole section. Framing fields
// (Content-Length, Transfer-Encoding) and Host are 400 in trailers (RFC 9110
// §6.5.1).
func (d *BodyDecoder) parseTrailers(in []byte, start int) (int, *Error) {
	end, err := d.parseTrailerSection(in[start:])
	if err != nil {
		err.Offset += start
		return 0, err
	}
	if end < 0 {
		return -1, nil
	}
	return start + end, nil
}

// parseTrailerSection does the work of parseTrailers on the section t alone,
// so that field offsets stay small whatever the size of the input.
func (d *BodyDecoder) parseTrailerSection(t []byte) (int, *Error) {
	d.trailers.reset()
	d.trailers.buf = t
	for i := 0; ; {
		lf := bytes.IndexByte(t[i:], '\n')
		if lf < 0 {
			if len(t) >= d.limits.MaxTrailerBytes {
				return 0, fail(431, "trailer section too large", d.limits.MaxTrailerBytes)
			}
			d.trailers.reset()
			return -1, nil
		}
		lf += i
		if lf+1 > d.limits.MaxTrailerBytes {
			return 0, fail(431, "trailer section too large", d.limits.MaxTrailerBytes)
		}
		if lf == i || t[lf-1] != '\r' {
			return 0, badRequest("bare LF in trailer section", lf)
		}
		if lf-1 == i {
			return lf + 1, nil
		}
		f, err := d.trailers.parseField(t, i, lf-1, d.limits.MaxHeaders)
		if err != nil {
			return 0, err
		}
		switch lookupKnown(t[f.name.start:f.name.end]) {
		case knownContentLength, knownTransferEncoding, knownHost, knownAmbiguous:
			return 0, badRequest("framing or Host field in trailer section", i)
		}
		i = lf + 1
	}
}
