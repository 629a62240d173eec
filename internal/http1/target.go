package http1

// TargetForm is the form of a request-target (RFC 9112 §3.2).
// Authority-form is never returned: it is only valid with CONNECT, which the
// parser rejects with 405.
type TargetForm uint8

// Request-target forms.
const (
	FormOrigin   TargetForm = iota // "/path?query"
	FormAbsolute                   // "http://authority/path?query"
	FormAsterisk                   // "*", OPTIONS only
)

var targetFormNames = [...]string{"FormOrigin", "FormAbsolute", "FormAsterisk"}

// String returns the constant's name.
func (f TargetForm) String() string {
	if int(f) < len(targetFormNames) {
		return targetFormNames[f]
	}
	return "TargetForm(invalid)"
}

// parseVersion parses "HTTP/" DIGIT "." DIGIT at buf[i:end] and returns the
// minor version; only HTTP/1.0 and HTTP/1.1 are supported (505 otherwise).
func parseVersion(buf []byte, i, end int) (uint8, *Error) {
	v := buf[i:end]
	if len(v) != 8 || string(v[:5]) != "HTTP/" || v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9' {
		return 0, badRequest("malformed HTTP version", i)
	}
	if v[5] != '1' || v[7] > '1' {
		return 0, fail(505, "HTTP version not supported", i)
	}
	return v[7] - '0', nil
}

// parseTarget classifies the request-target buf[ts:te] (non-empty, already
// checked to hold only classTarget bytes) and records its parts in m.
func (m *requestMeta) parseTarget(buf []byte, ts, te int) *Error {
	m.target = span{int32(ts), int32(te)}
	switch {
	case m.methodID == MethodConnect:
		return fail(405, "CONNECT is not supported", ts)
	case buf[ts] == '/':
		m.form = FormOrigin
		m.splitPathQuery(buf, ts, te)
		return nil
	case buf[ts] == '*' && te == ts+1:
		if m.methodID != MethodOptions {
			return badRequest("asterisk-form target with a method other than OPTIONS", ts)
		}
		m.form = FormAsterisk
		m.path = m.target
		return nil
	}
	return m.parseAbsolute(buf, ts, te)
}

// splitPathQuery records buf[ps:te] as path and query, split at the first '?'.
func (m *requestMeta) splitPathQuery(buf []byte, ps, te int) {
	for i := ps; i < te; i++ {
		if buf[i] == '?' {
			m.path = span{int32(ps), int32(i)}
			m.query = span{int32(i + 1), int32(te)}
			m.hasQuery = true
			return
		}
	}
	m.path = span{int32(ps), int32(te)}
}

// parseAbsolute parses an absolute-form target: an http or https scheme,
// "://", a non-empty authority without userinfo, then path and query
// (RFC 9112 §3.2.2). Other schemes are 400.
func (m *requestMeta) parseAbsolute(buf []byte, ts, te int) *Error {
	i := ts
	for i < te && (buf[i] >= 'a' && buf[i] <= 'z' || buf[i] >= 'A' && buf[i] <= 'Z') {
		i++
	}
	scheme := buf[ts:i]
	if te-i < 3 || string(buf[i:i+3]) != "://" {
		return badRequest("request-target is not in origin, absolute or asterisk form", ts)
	}
	if !equalFold(scheme, "http") && !equalFold(scheme, "https") {
		return badRequest("absolute-form scheme is not http or https", ts)
	}
	as := i + 3
	ae := as
	for ae < te && buf[ae] != '/' && buf[ae] != '?' {
		if buf[ae] == '@' {
			return badRequest("userinfo in request-target", ae)
		}
		ae++
	}
	if ae == as || !validHost(buf[as:ae]) {
		return badRequest("invalid authority in request-target", as)
	}
	m.form = FormAbsolute
	m.authority = span{int32(as), int32(ae)}
	m.splitPathQuery(buf, ae, te)
	return nil
}
