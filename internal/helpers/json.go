package helpers

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// JSON value kinds, as zs_json_type returns them.
const (
	jsonNull = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonNode is one JSON value of a tree that scripts work on through
// handles. Numbers keep their literal text, so integers of any size
// round-trip exactly. Objects keep their members in insertion order; a
// key appears once.
type jsonNode struct {
	kind    uint8
	b       bool
	text    string // string value, or the number literal
	items   []*jsonNode
	members []jsonMember
}

// jsonMember is one key of an object.
type jsonMember struct {
	key string
	val *jsonNode
}

// jsonNodeCost is the estimated host memory of one node, besides its
// string and key bytes, charged against the request's budget.
const jsonNodeCost = 64

// maxJSONDepth bounds the nesting of parsed documents.
const maxJSONDepth = 256

// errJSONDepth is a document nested deeper than maxJSONDepth.
var errJSONDepth = fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)

// cost is the budget charge of a node holding s bytes of text.
func cost(s string) int64 { return jsonNodeCost + int64(len(s)) }

// member returns the value of key, or nil.
func (n *jsonNode) member(key string) *jsonNode {
	for _, m := range n.members {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// dedupMembers keeps the last value of a repeated key, at the key's first
// position, in time linear in the member count.
func (n *jsonNode) dedupMembers() {
	if len(n.members) < 2 {
		return
	}
	at := make(map[string]int, len(n.members))
	out := n.members[:0]
	for _, m := range n.members {
		if i, ok := at[m.key]; ok {
			out[i].val = m.val
			continue
		}
		at[m.key] = len(out)
		out = append(out, m)
	}
	clear(n.members[len(out):])
	n.members = out
}

// setMember sets key to v, replacing an existing value in place.
func (n *jsonNode) setMember(key string, v *jsonNode) {
	for i := range n.members {
		if n.members[i].key == key {
			n.members[i].val = v
			return
		}
	}
	n.members = append(n.members, jsonMember{key, v})
}

// removeMember deletes key and reports whether it was there.
func (n *jsonNode) removeMember(key string) bool {
	for i := range n.members {
		if n.members[i].key == key {
			n.members = append(n.members[:i], n.members[i+1:]...)
			return true
		}
	}
	return false
}

// clone deep-copies n, charging every node to b.
func (n *jsonNode) clone(b *MemBudget) (*jsonNode, error) {
	c := &jsonNode{kind: n.kind, b: n.b, text: n.text}
	if err := b.Take(cost(n.text)); err != nil {
		return nil, err
	}
	if n.items != nil {
		c.items = make([]*jsonNode, len(n.items))
		for i, it := range n.items {
			v, err := it.clone(b)
			if err != nil {
				return nil, err
			}
			c.items[i] = v
		}
	}
	if n.members != nil {
		c.members = make([]jsonMember, len(n.members))
		for i, m := range n.members {
			if err := b.Take(int64(len(m.key))); err != nil {
				return nil, err
			}
			v, err := m.val.clone(b)
			if err != nil {
				return nil, err
			}
			c.members[i] = jsonMember{m.key, v}
		}
	}
	return c, nil
}

// length is zs_json_len: the element count of an array or object, the
// byte length of a string, or -1.
func (n *jsonNode) length() int64 {
	switch n.kind {
	case jsonArray:
		return int64(len(n.items))
	case jsonObject:
		return int64(len(n.members))
	case jsonString:
		return int64(len(n.text))
	}
	return -1
}

// appendJSON appends the compact serialization of n.
func (n *jsonNode) appendJSON(dst []byte) []byte {
	switch n.kind {
	case jsonBool:
		return strconv.AppendBool(dst, n.b)
	case jsonNumber:
		return append(dst, n.text...)
	case jsonString:
		return appendJSONString(dst, n.text)
	case jsonArray:
		dst = append(dst, '[')
		for i, it := range n.items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = it.appendJSON(dst)
		}
		return append(dst, ']')
	case jsonObject:
		dst = append(dst, '{')
		for i, m := range n.members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, m.key)
			dst = append(dst, ':')
			dst = m.val.appendJSON(dst)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\ufffd"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
