package caddyconf

import (
	"encoding/json"
	"strings"
)

// unsupportedField is the type of Caddy fields zeroserve does not
// implement: any non-null value is an *UnsupportedError naming the field.
type unsupportedField []byte

func (*unsupportedField) decodeJSON(_ *decoder, path string, raw json.RawMessage) error {
	if string(raw) == "null" {
		return nil
	}
	return &UnsupportedError{Kind: "field", Name: lastKey(path), Path: path}
}

// lastKey returns the last object key of a JSON path built by joinKey.
func lastKey(path string) string {
	if strings.HasSuffix(path, `"]`) {
		if i := strings.LastIndex(path, `["`); i >= 0 {
			var s string
			if json.Unmarshal([]byte(path[i+1:len(path)-1]), &s) == nil {
				return s
			}
		}
	}
	return path[strings.LastIndexByte(path, '.')+1:]
}

// StringArray is a list of strings that JSON may also give as one string,
// as Caddy's caddyhttp.StringArray. It marshals as an array.
type StringArray []string

func (sa *StringArray) decodeJSON(_ *decoder, path string, raw json.RawMessage) error {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return typeError(path, raw, "a string")
		}
		*sa = StringArray{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return typeError(path, raw, "a string or an array of strings")
	}
	*sa = list
	return nil
}
