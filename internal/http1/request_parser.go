package http1

// RequestParser parses request heads from a receive buffer, resuming where
// it stopped when more bytes arrive. The zero value uses DefaultLimits; it
// holds MaxHeaderSlots field slots inline, so embed it rather than copying
// it around. It never allocates, except for the *Error it returns.
type RequestParser struct {
	_ noCopy

	req     Request
	limits  Limits
	lines   lineScanner
	state   parseState
	headLen int
	err     *Error
}

// Init sets the limits (zero fields take defaults) and resets the parser.
func (p *RequestParser) Init(l Limits) {
	p.limits = l.withDefaults()
	p.Reset()
}

// Reset prepares the parser for the next request on the connection. Slices
// obtained from the previous request become invalid.
func (p *RequestParser) Reset() {
	p.req.m = requestMeta{}
	p.req.h.reset()
	p.lines = lineScanner{}
	p.state = stateStartLine
	p.headLen = 0
	p.err = nil
}

// Request returns the request being parsed. It is complete once Parse has
// returned a nil error.
func (p *RequestParser) Request() *Request { return &p.req }

// Parse parses the request head at the start of buf. buf must begin with the
// bytes given to the previous call (if any, since Reset) and may hold more;
// it may be a different slice with the same contents.
//
// It returns the length of the head once the head is complete; the body (if
// Request().Framing() says so) and any pipelined requests follow it in buf.
// It returns ErrNeedMore when buf ends inside the head, and an *Error when
// the head is invalid. After an error with Close set, nothing else on the
// connection may be parsed. The only error without Close is 417 (an
// unsupported Expect): the head is then complete, the returned length is
// valid, and the caller may answer, discard the body and go on. Errors
// stick: calling again returns the same result.
func (p *RequestParser) Parse(buf []byte) (int, error) {
	if p.limits.MaxHeaders == 0 {
		p.limits = Limits{}.withDefaults()
	}
	switch p.state {
	case stateDone:
		return p.headLen, nil
	case stateFailed:
		return p.headLen, p.err
	}
	if len(buf) < p.lines.scan {
		return 0, ErrInputShrunk
	}
	p.req.h.buf = buf
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
		case p.state == stateStartLine && start == end:
			// RFC 9112 §2.2: ignore empty lines before the request line.
		case p.state == stateStartLine:
			if err := p.parseRequestLine(buf, start, end); err != nil {
				return p.failed(err)
			}
			p.state = stateFields
		case start == end:
			p.headLen = lf + 1
			p.state = stateDone
			if err := p.finish(start); err != nil {
				return p.failed(err)
			}
			return p.headLen, nil
		default:
			if err := p.parseField(buf, start, end); err != nil {
				return p.failed(err)
			}
		}
	}
}

// failed makes err stick and returns it. Closing errors report no head.
func (p *RequestParser) failed(err *Error) (int, error) {
	p.state = stateFailed
	p.err = err
	if err.Close {
		p.headLen = 0
	}
	return p.headLen, err
}

// checkPartial applies the size limits to a head whose current line runs
// at least up to index end (exclusive of a terminating LF at end). Using
// the same test for partial and complete lines makes the result independent
// of how the input was split.
func (p *RequestParser) checkPartial(end int) *Error {
	if p.state == stateStartLine && end-p.lines.start > p.limits.MaxRequestLine+1 {
		return fail(414, "request line too long", p.lines.start+p.limits.MaxRequestLine)
	}
	if end+1 > p.limits.MaxHeaderBytes {
		return fail(431, "request head too large", p.limits.MaxHeaderBytes)
	}
	return nil
}

// parseRequestLine parses method SP request-target SP HTTP-version at
// buf[start:end] (RFC 9112 §3), with exactly one SP between the parts.
func (p *RequestParser) parseRequestLine(buf []byte, start, end int) *Error {
	m := &p.req.m
	i := start
	for i < end && charClass[buf[i]]&classTchar != 0 {
		i++
	}
	switch {
	case i == start:
		return badRequest("invalid method", i)
	case i == end:
		return badRequest("request line without request-target", i)
	case buf[i] != ' ':
		return badRequest("invalid character in method", i)
	}
	m.method = span{int32(start), int32(i)}
	m.methodID = lookupMethod(buf[start:i])
	i++
	ts := i
	for i < end && charClass[buf[i]]&classTarget != 0 {
		i++
	}
	switch {
	case i == ts:
		return badRequest("empty request-target", i)
	case i == end:
		return badRequest("request line without HTTP version", i)
	case buf[i] == '\r':
		return badRequest("bare CR in request line", i)
	case buf[i] != ' ':
		return badRequest("invalid character in request-target", i)
	}
	minor, err := parseVersion(buf, i+1, end)
	if err != nil {
		return err
	}
	m.minor = minor
	return m.parseTarget(buf, ts, i)
}

// parseField parses one field line and indexes the well-known fields.
func (p *RequestParser) parseField(buf []byte, start, end int) *Error {
	f, err := p.req.h.parseField(buf, start, end, p.limits.MaxHeaders)
	if err != nil {
		return err
	}
	m := &p.req.m
	v := buf[f.value.start:f.value.end]
	off := int(f.value.start)
	switch lookupKnown(buf[f.name.start:f.name.end]) {
	case knownHost:
		if m.hasHost {
			return badRequest("more than one Host", start)
		}
		if !validHost(v) {
			return badRequest("invalid Host", off)
		}
		m.hasHost = true
		m.host = f.value
	case knownAmbiguous:
		return badRequest("underscore in a framing field name", start)
	case knownContentLength:
		return m.fs.addContentLength(v, off)
	case knownTransferEncoding:
		return m.fs.addTransferEncoding(v, off)
	case knownConnection:
		return m.conn.add(v, off)
	case knownExpect:
		m.expect = addExpect(m.expect, v)
	case knownUpgrade:
		if m.upgrade == 0 {
			m.upgrade = p.req.h.n
		}
	}
	return nil
}

// finish checks the complete head (RFC 9112 §3.2, §6; RFC 9110 §10.1.1)
// and decides the body framing. off is the offset of the final empty line.
func (p *RequestParser) finish(off int) *Error {
	m := &p.req.m
	fr, err := m.fs.framing(m.minor, off)
	if err != nil {
		return err
	}
	m.framing = fr
	if m.minor == 1 && !m.hasHost {
		return badRequest("missing Host", off)
	}
	if max := p.limits.MaxBodyBytes; max >= 0 && fr.Kind == BodyLength && fr.Length > max {
		return fail(413, "Content-Length exceeds the body limit", off)
	}
	if m.expect == expectOther && m.minor == 1 {
		return &Error{Status: 417, Reason: "unsupported expectation", Offset: off}
	}
	return nil
}
