package http1

// BodyKind says how a message body is delimited (RFC 9112 §6.3).
type BodyKind uint8

// Body kinds.
const (
	// BodyNone: the message has no body.
	BodyNone BodyKind = iota
	// BodyLength: the body is Framing.Length bytes (Content-Length).
	BodyLength
	// BodyChunked: the body uses the chunked transfer coding.
	BodyChunked
	// BodyUntilClose: the body runs until the connection closes (responses
	// only).
	BodyUntilClose
)

var bodyKindNames = [...]string{"BodyNone", "BodyLength", "BodyChunked", "BodyUntilClose"}

// String returns the constant's name.
func (k BodyKind) String() string {
	if int(k) < len(bodyKindNames) {
		return bodyKindNames[k]
	}
	return "BodyKind(invalid)"
}

// Framing is how a message's body is delimited.
type Framing struct {
	Kind   BodyKind
	Length int64 // for BodyLength: the body size in bytes
}

// framingState collects the framing fields of a head while it is parsed.
type framingState struct {
	contentLength int64
	hasCL         bool
	hasTE         bool
	chunkedLast   bool // the last coding seen so far is chunked
	chunkedTwice  bool // chunked appeared before another coding or twice
	otherCoding   bool // a coding other than chunked appeared
}

// parseContentLength parses a Content-Length value: 1*DIGIT, at most
// 2^63-1, with no sign, list or inner whitespace. off is the value's offset
// for errors.
func parseContentLength(v []byte, off int) (int64, *Error) {
	if len(v) == 0 {
		return 0, badRequest("empty Content-Length", off)
	}
	var n int64
	for i, c := range v {
		if c < '0' || c > '9' {
			return 0, badRequest("invalid Content-Length", off+i)
		}
		d := int64(c - '0')
		if n > (1<<63-1-d)/10 {
			return 0, badRequest("Content-Length overflows", off+i)
		}
		n = n*10 + d
	}
	return n, nil
}

// addContentLength records one Content-Length field line.
func (fs *framingState) addContentLength(v []byte, off int) *Error {
	if fs.hasCL {
		return badRequest("more than one Content-Length", off)
	}
	n, err := parseContentLength(v, off)
	if err != nil {
		return err
	}
	fs.hasCL = true
	fs.contentLength = n
	return nil
}

// addTransferEncoding records one Transfer-Encoding field line: a list of
// transfer codings, each a token with optional parameters. Empty list
// elements, which RFC 9110 §5.6.1 asks recipients to skip, are rejected
// here: net/http and other parsers reject them, and a parser that skips
// them would see a body another one does not.
func (fs *framingState) addTransferEncoding(v []byte, off int) *Error {
	fs.hasTE = true
	if len(v) == 0 {
		return badRequest("empty Transfer-Encoding", off)
	}
	if v[len(v)-1] == ',' {
		return badRequest("empty element in Transfer-Encoding", off+len(v)-1)
	}
	for i := 0; i < len(v); {
		elem, next := listElement(v, i)
		i = next
		if elem.start == elem.end {
			return badRequest("empty element in Transfer-Encoding", off+int(elem.start))
		}
		e := v[elem.start:elem.end]
		name := e
		for j, c := range e {
			if c == ';' || isOWS(c) {
				name = e[:j]
				break
			}
		}
		if !isToken(name) {
			return badRequest("invalid transfer coding", off+int(elem.start))
		}
		if fs.chunkedLast {
			fs.chunkedTwice = true
		}
		if equalFold(name, "chunked") && len(name) == len(e) {
			fs.chunkedLast = true
		} else {
			fs.chunkedLast = false
			fs.otherCoding = true
		}
	}
	return nil
}

// framing returns the body framing of a message whose head declared fs,
// or an error. It applies RFC 9112 §6.1 and §6.3 strictly; minor is the
// HTTP minor version, off the end of the head for errors. For responses
// without either field the caller chooses BodyUntilClose.
func (fs *framingState) framing(minor uint8, off int) (Framing, *Error) {
	switch {
	case fs.hasTE && minor == 0:
		return Framing{}, badRequest("Transfer-Encoding in an HTTP/1.0 message", off)
	case fs.hasTE && fs.hasCL:
		return Framing{}, badRequest("both Content-Length and Transfer-Encoding", off)
	case fs.hasTE && (fs.chunkedTwice || !fs.chunkedLast):
		return Framing{}, badRequest("chunked is not the final transfer coding exactly once", off)
	case fs.hasTE && fs.otherCoding:
		return Framing{}, fail(501, "unsupported transfer coding", off)
	case fs.hasTE:
		return Framing{Kind: BodyChunked}, nil
	case fs.hasCL && fs.contentLength > 0:
		return Framing{Kind: BodyLength, Length: fs.contentLength}, nil
	}
	return Framing{}, nil
}
