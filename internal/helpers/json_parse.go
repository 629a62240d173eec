package helpers

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONSyntaxError is a document parseJSON rejects, with the byte offset of
// the problem.
type JSONSyntaxError struct {
	Offset int
	Msg    string
}

// Error gives the offset and the problem.
func (e *JSONSyntaxError) Error() string {
	return fmt.Sprintf("JSON at byte %d: %s", e.Offset, e.Msg)
}

// jsonParser is a recursive-descent RFC 8259 parser that builds jsonNode
// trees and charges every node to a budget.
type jsonParser struct {
	data  []byte
	pos   int
	depth int
	b     *MemBudget
}

// parseJSON parses one JSON document (surrounding whitespace allowed,
// anything else after it is an error), charging each node to b. Invalid
// UTF-8 in strings becomes U+FFFD. The error is a *JSONSyntaxError,
// errJSONDepth or a *BudgetError.
func parseJSON(data []byte, b *MemBudget) (*jsonNode, error) {
	p := &jsonParser{data: data, b: b}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.data) {
		return nil, p.fail("data after the document")
	}
	return n, nil
}

func (p *jsonParser) fail(msg string) error { return &JSONSyntaxError{p.pos, msg} }

// space skips whitespace.
func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// node charges and returns a new node.
func (p *jsonParser) node(kind uint8, text string) (*jsonNode, error) {
	if err := p.b.Take(cost(text)); err != nil {
		return nil, err
	}
	return &jsonNode{kind: kind, text: text}, nil
}

// value parses one value after optional whitespace.
func (p *jsonParser) value() (*jsonNode, error) {
	p.space()
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{' || c == '[':
		if p.depth == maxJSONDepth {
			return nil, errJSONDepth
		}
		p.depth++
		defer func() { p.depth-- }()
		if c == '{' {
			return p.object()
		}
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return p.node(jsonString, s)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	for _, lit := range [...]struct {
		word string
		n    jsonNode
	}{{"true", jsonNode{kind: jsonBool, b: true}}, {"false", jsonNode{kind: jsonBool}}, {"null", jsonNode{kind: jsonNull}}} {
		if len(p.data)-p.pos >= len(lit.word) && string(p.data[p.pos:p.pos+len(lit.word)]) == lit.word {
			p.pos += len(lit.word)
			n, err := p.node(lit.n.kind, "")
			if err == nil {
				n.b = lit.n.b
			}
			return n, err
		}
	}
	return nil, p.fail("invalid character")
}

// object parses {...} at p.pos.
func (p *jsonParser) object() (*jsonNode, error) {
	n, err := p.node(jsonObject, "")
	if err != nil {
		return nil, err
	}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("want an object key")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.b.Take(int64(len(key))); err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("want ':'")
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, jsonMember{key, v})
		if done, err := p.next('}'); done || err != nil {
			n.dedupMembers()
			return n, err
		}
	}
}

// array parses [...] at p.pos.
func (p *jsonParser) array() (*jsonNode, error) {
	n, err := p.node(jsonArray, "")
	if err != nil {
		return nil, err
	}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		if done, err := p.next(']'); done || err != nil {
			return n, err
		}
	}
}

// next consumes ',' (more elements follow) or end (done).
func (p *jsonParser) next(end byte) (done bool, err error) {
	p.space()
	if p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ',':
			p.pos++
			return false, nil
		case end:
			p.pos++
			return true, nil
		}
	}
	return false, p.fail("want ',' or '" + string(end) + "'")
}

// number parses a number literal, kept as text.
func (p *jsonParser) number() (*jsonNode, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.data[p.pos] == '-' {
		p.pos++
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return nil, p.fail("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	return p.node(jsonNumber, string(p.data[start:p.pos]))
}

// str parses a string at p.pos (the opening quote) and returns its value.
func (p *jsonParser) str() (string, error) {
	p.pos++
	start := p.pos
	// Fast path: no escapes, valid UTF-8.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			if utf8.Valid(s) {
				p.pos++
				return string(s), nil
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	p.pos = start
	var out []byte
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(out), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
		case c < utf8.RuneSelf:
			out = append(out, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			out = utf8.AppendRune(out, r) // U+FFFD for invalid bytes
			p.pos += size
		}
	}
	return "", p.fail("unterminated string")
}

// escape decodes the escape at p.pos; a lone surrogate gives U+FFFD.
func (p *jsonParser) escape() (rune, error) {
	if p.pos+1 >= len(p.data) {
		return 0, p.fail("unterminated escape")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := p.hex4()
		if err != nil || !utf16.IsSurrogate(r) {
			return r, err
		}
		if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
			save := p.pos
			p.pos += 2
			r2, err := p.hex4()
			if err != nil {
				return 0, err
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, nil
			}
			p.pos = save
		}
		return utf8.RuneError, nil
	}
	p.pos--
	return 0, p.fail("invalid escape")
}

// hex4 reads the four hex digits of a \u escape.
func (p *jsonParser) hex4() (rune, error) {
	if len(p.data)-p.pos < 4 {
		return 0, p.fail("short \\u escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, p.fail("invalid \\u escape")
	}
	p.pos += 4
	return rune(v), nil
}
