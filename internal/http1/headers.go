package http1

// span is a half-open byte range [start, end) of a parsed buffer.
type span struct{ start, end int32 }

// field is one field line: the name and the value without surrounding OWS.
type field struct{ name, value span }

// Headers is a parsed header or trailer section. Field lines are recorded as
// offsets into the buffer they were parsed from, in the order received. Every
// []byte its methods return is a subslice of that buffer and is valid until
// the next Reset or Parse of the parser (or Next of the decoder) that owns
// it, or until the caller reuses the buffer.
type Headers struct {
	buf    []byte
	n      int
	fields [MaxHeaderSlots]field
}

// Len returns the number of field lines.
func (h *Headers) Len() int { return h.n }

// Name returns the name of field line i as received (case preserved), or nil
// if i is out of range.
func (h *Headers) Name(i int) []byte {
	if i < 0 || i >= h.n {
		return nil
	}
	s := h.fields[i].name
	return h.buf[s.start:s.end:s.end]
}

// Value returns the value of field line i without leading and trailing
// whitespace, or nil if i is out of range. An empty value is a non-nil
// empty slice.
func (h *Headers) Value(i int) []byte {
	if i < 0 || i >= h.n {
		return nil
	}
	s := h.fields[i].value
	return h.buf[s.start:s.end:s.end]
}

// Index returns the index of the first field line at or after from whose
// name equals name under ASCII case folding, or -1. Iterate over repeated
// fields with
//
//	for i := h.Index("cookie", 0); i >= 0; i = h.Index("cookie", i+1) { ... }
func (h *Headers) Index(name string, from int) int {
	if from < 0 {
		from = 0
	}
	for i := from; i < h.n; i++ {
		s := h.fields[i].name
		if equalFold(h.buf[s.start:s.end], name) {
			return i
		}
	}
	return -1
}

// Get returns the value of the first field line named name (ASCII case
// folded), or nil if there is none.
func (h *Headers) Get(name string) []byte {
	return h.Value(h.Index(name, 0))
}

// Has reports whether a field line named name is present.
func (h *Headers) Has(name string) bool { return h.Index(name, 0) >= 0 }

// reset forgets all field lines.
func (h *Headers) reset() {
	h.buf = nil
	h.n = 0
}

// parseField parses the field line buf[start:end] (without CRLF), appends it
// to h and returns it. max bounds the number of field lines (431 beyond).
func (h *Headers) parseField(buf []byte, start, end, max int) (field, *Error) {
	var f field
	if isOWS(buf[start]) {
		return f, badRequest("obs-fold or whitespace at start of field line", start)
	}
	i := start
	for i < end && charClass[buf[i]]&classTchar != 0 {
		i++
	}
	switch {
	case i == end:
		return f, badRequest("field line without colon", i)
	case buf[i] == ':' && i == start:
		return f, badRequest("empty field name", i)
	case isOWS(buf[i]):
		return f, badRequest("whitespace between field name and colon", i)
	case buf[i] == '\r':
		return f, badRequest("bare CR in field name", i)
	case buf[i] != ':':
		return f, badRequest("invalid character in field name", i)
	}
	f.name = span{int32(start), int32(i)}
	i++
	if j := firstBadValueByte(buf[i:end]); j >= 0 {
		if buf[i+j] == '\r' {
			return f, badRequest("bare CR in field value", i+j)
		}
		return f, badRequest("invalid character in field value", i+j)
	}
	vs, ve := trimOWS(buf, i, end)
	f.value = span{int32(vs), int32(ve)}
	if h.n >= max {
		return f, fail(431, "too many header fields", start)
	}
	h.fields[h.n] = f
	h.n++
	return f, nil
}
