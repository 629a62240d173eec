package caddyconf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// decoder walks raw JSON and a Go value together, rejecting unknown fields
// with their JSON path. It never panics: every type it can meet is handled
// explicitly, and anything else is a "BUG:" error.
type decoder struct {
	warnings []Warning
}

// customDecoder is implemented by types whose JSON form is not a plain
// struct: module unions, durations, weak strings, the expression matcher.
type customDecoder interface {
	decodeJSON(d *decoder, path string, raw json.RawMessage) error
}

// moduleMap is implemented by structs whose keys are module names (the
// matcher set, encodings, ...): an unknown key is an unsupported module of
// that kind, not a typo'd field.
type moduleMap interface {
	moduleKind() string
}

var (
	customDecoderType = reflect.TypeFor[customDecoder]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
)

// fieldInfo is one JSON field of a struct.
type fieldInfo struct {
	index []int
	// warn is set by the tag zs:"warn": accepted, ignored, reported.
	warn bool
}

// structFields caches the JSON field table of each struct type. It is a
// pure function of the type, so sharing it between goroutines is safe.
var structFields sync.Map // reflect.Type -> map[string]fieldInfo

func fieldsOf(t reflect.Type) map[string]fieldInfo {
	if m, ok := structFields.Load(t); ok {
		return m.(map[string]fieldInfo)
	}
	m := make(map[string]fieldInfo)
	addFields(m, t, nil)
	structFields.Store(t, m)
	return m
}

// addFields adds t's JSON fields to m, flattening embedded structs
// without a JSON name as encoding/json does.
func addFields(m map[string]fieldInfo, t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(m, f.Type, index)
			continue
		}
		if name == "-" || name == "" || !f.IsExported() {
			continue
		}
		m[name] = fieldInfo{index: index, warn: f.Tag.Get("zs") == "warn"}
	}
}

// decode fills v (settable) from raw, reporting errors at path.
func (d *decoder) decode(path string, raw json.RawMessage, v reflect.Value) error {
	raw = bytes.TrimSpace(raw)
	if v.CanAddr() && v.Addr().Type().Implements(customDecoderType) {
		return v.Addr().Interface().(customDecoder).decodeJSON(d, path, raw)
	}
	if string(raw) == "null" {
		v.SetZero()
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.decode(path, raw, v.Elem())
	case reflect.Struct:
		obj, err := object(path, raw)
		if err != nil {
			return err
		}
		return d.fields(path, obj, v, "")
	case reflect.Slice:
		if v.Type() == rawMessageType {
			v.SetBytes(bytes.Clone(raw))
			return nil
		}
		elems, ok := splitArray(raw)
		if !ok {
			if err := json.Unmarshal(raw, &elems); err != nil {
				return typeError(path, raw, "an array")
			}
		}
		s := reflect.MakeSlice(v.Type(), len(elems), len(elems))
		if err := d.elements(path, elems, s); err != nil {
			return err
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return &PathError{Path: path, Msg: "BUG: map key type " + v.Type().Key().String()}
		}
		obj, err := object(path, raw)
		if err != nil {
			return err
		}
		m := reflect.MakeMapWithSize(v.Type(), len(obj))
		for _, k := range sortedKeys(obj) {
			e := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(joinKey(path, k), obj[k], e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
		return nil
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64,
		reflect.Interface:
		if v.Kind() == reflect.Interface && v.NumMethod() > 0 {
			return &PathError{Path: path, Msg: "BUG: interface " + v.Type().String() + " without a decoder"}
		}
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			return typeError(path, raw, kindName(v.Type()))
		}
		return nil
	}
	return &PathError{Path: path, Msg: "BUG: cannot decode into " + v.Type().String()}
}

// fields decodes the members of obj into the struct v, except skip (the
// inline module key already consumed by the caller).
func (d *decoder) fields(path string, obj map[string]json.RawMessage, v reflect.Value, skip string) error {
	table := fieldsOf(v.Type())
	for _, k := range sortedKeys(obj) {
		if k == skip {
			continue
		}
		f, ok := table[k]
		if !ok {
			if mm, isMap := v.Addr().Interface().(moduleMap); isMap {
				return &UnsupportedError{Kind: mm.moduleKind(), Name: k, Path: joinKey(path, k)}
			}
			return &PathError{Path: path, Msg: fmt.Sprintf("unknown field %q", k)}
		}
		if f.warn {
			d.warnings = append(d.warnings, Warning{Path: joinKey(path, k), Msg: "accepted but ignored by zeroserve"})
		}
		if err := d.decode(joinKey(path, k), obj[k], v.FieldByIndex(f.index)); err != nil {
			return err
		}
	}
	return nil
}

// object parses raw as a JSON object.
func object(path string, raw json.RawMessage) (map[string]json.RawMessage, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, typeError(path, raw, "an object")
	}
	if obj, ok := splitObject(raw); ok {
		return obj, nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, typeError(path, raw, "an object")
	}
	return obj, nil
}

// moduleObject parses raw as an object naming its module in key (Caddy's
// inline_key) and returns the name and the object.
func moduleObject(path string, raw json.RawMessage, key string) (string, map[string]json.RawMessage, error) {
	obj, err := object(path, raw)
	if err != nil {
		return "", nil, err
	}
	nameRaw, ok := obj[key]
	if !ok {
		return "", nil, &PathError{Path: path, Msg: fmt.Sprintf("module name not specified with %q", key)}
	}
	var name string
	if err := json.Unmarshal(nameRaw, &name); err != nil {
		return "", nil, typeError(joinKey(path, key), nameRaw, "a string")
	}
	return name, obj, nil
}

func sortedKeys(obj map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeError reports a JSON value of the wrong type (or out of range).
func typeError(path string, raw json.RawMessage, want string) error {
	return &PathError{Path: path, Msg: fmt.Sprintf("cannot use %s as %s", describe(raw), want)}
}

func describe(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty value"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	if len(raw) > 24 {
		return "number " + string(raw[:24]) + "..."
	}
	return "number " + string(raw)
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Interface:
		return "a JSON value"
	}
	return "an integer (" + t.Kind().String() + ")"
}

// decodeModule fills the module v (a pointer to a struct or to a map) from
// obj, skipping its inline name key.
func (d *decoder) decodeModule(path string, obj map[string]json.RawMessage, v Module, skip string) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &PathError{Path: path, Msg: "BUG: module " + v.ModuleName() + " is not a pointer"}
	}
	rv = rv.Elem()
	switch rv.Kind() {
	case reflect.Struct:
		return d.fields(path, obj, rv, skip)
	case reflect.Map:
		m := reflect.MakeMapWithSize(rv.Type(), len(obj))
		for _, k := range sortedKeys(obj) {
			if k == skip {
				continue
			}
			e := reflect.New(rv.Type().Elem()).Elem()
			if err := d.decode(joinKey(path, k), obj[k], e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k).Convert(rv.Type().Key()), e)
		}
		rv.Set(m)
		return nil
	}
	return &PathError{Path: path, Msg: "BUG: module " + v.ModuleName() + " has kind " + rv.Kind().String()}
}

// reflectValue returns the settable value behind the pointer p.
func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
