package caddyconf

import (
	"bytes"
	"encoding/json"
)

// Module is a Caddy module's configuration: a typed struct such as
// *StaticResponse or *HTTPTransport. ModuleName returns its name in
// Caddy's JSON ("static_response", "http").
type Module interface {
	ModuleName() string
}

// family is a set of modules named by an inline key, as Caddy's
// `caddy:"namespace=... inline_key=..."` struct tags. Families are
// zero-size types; newModule returns nil for names zeroserve does not
// support.
type family interface {
	inlineKey() string
	kind() string
	newModule(name string) Module
}

// Inline holds one module of family F whose name sits inside its own
// object, as {"handler": "static_response", "body": "hi"}. Value is the
// typed config (a pointer to a struct); nil means the JSON was null.
type Inline[F family] struct {
	Value Module
}

func (m *Inline[F]) decodeJSON(d *decoder, path string, raw json.RawMessage) error {
	var f F
	if string(raw) == "null" {
		m.Value = nil
		return nil
	}
	name, obj, err := moduleObject(path, raw, f.inlineKey())
	if err != nil {
		return err
	}
	v := f.newModule(name)
	if v == nil {
		return &UnsupportedError{Kind: f.kind(), Name: name, Path: path}
	}
	if err := d.decodeModule(path, obj, v, f.inlineKey()); err != nil {
		return err
	}
	m.Value = v
	return nil
}

// MarshalJSON encodes the module with its inline key first.
func (m Inline[F]) MarshalJSON() ([]byte, error) {
	var f F
	if m.Value == nil {
		return []byte("null"), nil
	}
	return marshalInline(f.inlineKey(), m.Value)
}

// marshalInline encodes v as an object and inserts key: v.ModuleName().
func marshalInline(key string, v Module) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	head, _ := json.Marshal(key)
	name, _ := json.Marshal(v.ModuleName())
	var b bytes.Buffer
	b.WriteByte('{')
	b.Write(head)
	b.WriteByte(':')
	b.Write(name)
	if rest := bytes.TrimSpace(body[1:]); len(rest) > 1 {
		b.WriteByte(',')
		b.Write(rest)
	} else {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}
