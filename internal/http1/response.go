package http1

// Response is a parsed response head from an upstream server. Its []byte
// results are subslices of the buffer given to ResponseParser.Parse: valid
// until the parser's next Reset or Parse, or until the caller reuses those
// bytes.
type Response struct {
	m responseMeta
	h Headers
}

// responseMeta is everything in a Response but the field slots.
type responseMeta struct {
	status  int
	reason  span
	minor   uint8
	framing Framing
	fs      framingState
	conn    connFlags
}

// Status returns the status code, 100 to 599.
func (r *Response) Status() int { return r.m.status }

// Reason returns the reason phrase as received (possibly empty).
func (r *Response) Reason() []byte { return r.h.buf[r.m.reason.start:r.m.reason.end:r.m.reason.end] }

// ProtoMinor returns the minor HTTP version, 0 or 1.
func (r *Response) ProtoMinor() int { return int(r.m.minor) }

// Header returns the header section.
func (r *Response) Header() *Headers { return &r.h }

// Framing returns how the response body is delimited (RFC 9112 §6.3).
func (r *Response) Framing() Framing { return r.m.framing }

// KeepAlive reports whether the upstream connection may carry another
// request after this response: not after "Connection: close", an HTTP/1.0
// response without "keep-alive", or a close-delimited body.
func (r *Response) KeepAlive() bool {
	return r.m.conn.persist(r.m.minor) && r.m.framing.Kind != BodyUntilClose
}

// Interim reports whether this is a 1xx response, after which the final
// response follows (except after 101 Switching Protocols, where the
// connection changes protocol).
func (r *Response) Interim() bool { return r.m.status < 200 }

// ResponseParser parses response heads from an upstream connection with the
// same strict rules as RequestParser; every error has Status 502 (the
// status a reverse proxy answers with) and Close set. The zero value uses
// DefaultLimits. It never allocates, except for the *Error it returns.
type ResponseParser struct {
	_ noCopy

	resp    Response
	limits  Limits
	lines   lineScanner
	state   parseState
	head    bool
	headLen int
	err     *Error
}

// Init sets the limits (zero fields take defaults) and resets the parser.
func (p *ResponseParser) Init(l Limits) {
	p.limits = l.withDefaults()
	p.Reset(false)
}

// Reset prepares the parser for the next response. headRequest says
// whether the request was HEAD, whose responses have no body whatever
// their fields say. Call it again after a 1xx response (Interim), keeping
// headRequest, to parse the final response.
func (p *ResponseParser) Reset(headRequest bool) {
	p.resp.m = responseMeta{}
	p.resp.h.reset()
	p.lines = lineScanner{}
	p.state = stateStartLine
	p.head = headRequest
	p.headLen = 0
	p.err = nil
}

// Response returns the response being parsed. It is complete once Parse
// has returned a nil error.
func (p *ResponseParser) Response() *Response { return &p.resp }

// Parse parses the response head at the start of buf, with the same
// resumption contract as RequestParser.Parse. It returns the head length,
// ErrNeedMore, or an *Error (Status 502, Close set) that sticks.
func (p *ResponseParser) Parse(buf []byte) (int, error) {
	if p.limits.MaxHeaders == 0 {
		p.limits = Limits{}.withDefaults()
	}
	switch p.state {
	case stateDone:
		return p.headLen, nil
	case stateFailed:
		return 0, p.err
	}
	if len(buf) < p.lines.scan {
		return 0, ErrInputShrunk
	}
	p.resp.h.buf = buf
	for {
		lf := p.lines.next(buf)
		if lf < 0 {
			if err := p.checkPartial(len(buf)); err != nil {
				return p.failed(err)
			}
			return 0, ErrNeedMore
		}
		if err := p.checkPartial(lf); err != nil {
			return p.failed(err)
		}
		start := p.lines.start
		end, err := p.lines.content(buf, lf)
		if err != nil {
			return p.failed(err)
		}
		p.lines.advance(lf)
		switch {
		case p.state == stateStartLine:
			if err := p.parseStatusLine(buf, start, end); err != nil {
				return p.failed(err)
			}
			p.state = stateFields
		case start == end:
			if err := p.finish(start); err != nil {
				return p.failed(err)
			}
			p.headLen = lf + 1
			p.state = stateDone
			return p.headLen, nil
		default:
			if err := p.parseField(buf, start, end); err != nil {
				return p.failed(err)
			}
		}
	}
}

// failed turns err into a sticky 502.
func (p *ResponseParser) failed(err *Error) (int, error) {
	err.Status = 502
	err.Close = true
	p.state = stateFailed
	p.err = err
	return 0, err
}

// checkPartial applies the size limits as RequestParser.checkPartial does.
func (p *ResponseParser) checkPartial(end int) *Error {
	if p.state == stateStartLine && end-p.lines.start > p.limits.MaxRequestLine+1 {
		return badRequest("status line too long", p.lines.start+p.limits.MaxRequestLine)
	}
	if end+1 > p.limits.MaxHeaderBytes {
		return badRequest("response head too large", p.limits.MaxHeaderBytes)
	}
	return nil
}

// parseStatusLine parses HTTP-version SP 3DIGIT [ SP reason-phrase ] at
// buf[start:end] (RFC 9112 §4). The SP before an empty reason may be
// missing, as some servers omit it; the version must be HTTP/1.0 or 1.1 and
// the code 100 to 599.
func (p *ResponseParser) parseStatusLine(buf []byte, start, end int) *Error {
	if end-start < 12 || buf[start+8] != ' ' {
		return badRequest("malformed status line", start)
	}
	minor, err := parseVersion(buf, start, start+8)
	if err != nil {
		return err
	}
	code := 0
	for i := start + 9; i < start+12; i++ {
		if buf[i] < '0' || buf[i] > '9' {
			return badRequest("malformed status code", i)
		}
		code = code*10 + int(buf[i]-'0')
	}
	if code < 100 || code > 599 {
		return badRequest("status code out of range", start+9)
	}
	rs := start + 12
	if rs < end {
		if buf[rs] != ' ' {
			return badRequest("malformed status line", rs)
		}
		rs++
	}
	if i := validValue(buf[rs:end]); i >= 0 {
		return badRequest("invalid character in reason phrase", rs+i)
	}
	p.resp.m.status = code
	p.resp.m.minor = minor
	p.resp.m.reason = span{int32(rs), int32(end)}
	return nil
}

// parseField parses one field line and indexes the framing fields.
func (p *ResponseParser) parseField(buf []byte, start, end int) *Error {
	f, err := p.resp.h.parseField(buf, start, end, p.limits.MaxHeaders)
	if err != nil {
		return err
	}
	m := &p.resp.m
	v := buf[f.value.start:f.value.end]
	off := int(f.value.start)
	switch lookupKnown(buf[f.name.start:f.name.end]) {
	case knownAmbiguous:
		return badRequest("underscore in a framing field name", start)
	case knownContentLength:
		return m.fs.addContentLength(v, off)
	case knownTransferEncoding:
		return m.fs.addTransferEncoding(v, off)
	case knownConnection:
		return m.conn.add(v, off)
	}
	return nil
}

// finish decides the framing (RFC 9112 §6.3): no body after HEAD, 1xx, 204
// and 304 (their framing fields are still checked); otherwise chunked,
// Content-Length, or until close. Any transfer coding but a single final
// chunked is an error here, as the proxy could not forward it faithfully.
func (p *ResponseParser) finish(off int) *Error {
	m := &p.resp.m
	fr, err := m.fs.framing(m.minor, off)
	if err != nil {
		return err
	}
	switch {
	case p.head || m.status < 200 || m.status == 204 || m.status == 304:
		fr = Framing{}
	case !m.fs.hasTE && !m.fs.hasCL:
		fr = Framing{Kind: BodyUntilClose}
	}
	m.framing = fr
	return nil
}
