package http1

// listElement returns the bounds in v of the comma-separated list element
// starting at i, without surrounding OWS, and the index after its comma
// (RFC 9110 §5.6.1). Empty elements are returned as empty spans.
func listElement(v []byte, i int) (span, int) {
	j := i
	for j < len(v) && v[j] != ',' {
		j++
	}
	s, e := trimOWS(v, i, j)
	if j < len(v) {
		j++
	}
	return span{int32(s), int32(e)}, j
}

// HasToken reports whether the comma-separated list value contains token,
// compared with ASCII case folding, as in a Connection or Upgrade field.
func HasToken(value []byte, token string) bool {
	for i := 0; i < len(value); {
		e, next := listElement(value, i)
		i = next
		if equalFold(value[e.start:e.end], token) {
			return true
		}
	}
	return false
}

// connFlags collects the Connection options of a head.
type connFlags struct {
	close     bool // "close"
	keepAlive bool // "keep-alive"
	upgrade   bool // "upgrade"
}

// add records one Connection field line; every element must be a token.
func (cf *connFlags) add(v []byte, off int) *Error {
	for i := 0; i < len(v); {
		e, next := listElement(v, i)
		i = next
		tok := v[e.start:e.end]
		switch {
		case len(tok) == 0:
		case !isToken(tok):
			return badRequest("invalid Connection option", off+int(e.start))
		case equalFold(tok, "close"):
			cf.close = true
		case equalFold(tok, "keep-alive"):
			cf.keepAlive = true
		case equalFold(tok, "upgrade"):
			cf.upgrade = true
		}
	}
	return nil
}

// persist reports whether the connection persists after a message with
// these options and minor version (RFC 9112 §9.3): HTTP/1.1 unless "close",
// HTTP/1.0 only with "keep-alive" and without "close".
func (cf *connFlags) persist(minor uint8) bool {
	if cf.close {
		return false
	}
	return minor >= 1 || cf.keepAlive
}

// expectation is what an Expect field asks for.
type expectation uint8

const (
	expectNone     expectation = iota
	expectContinue             // 100-continue
	expectOther                // anything else: 417
)

// addExpect records one Expect field line (RFC 9110 §10.1.1).
func addExpect(cur expectation, v []byte) expectation {
	for i := 0; i < len(v); {
		e, next := listElement(v, i)
		i = next
		switch tok := v[e.start:e.end]; {
		case len(tok) == 0:
		case equalFold(tok, "100-continue"):
			if cur == expectNone {
				cur = expectContinue
			}
		default:
			cur = expectOther
		}
	}
	return cur
}
