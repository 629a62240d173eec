package caddyconf

import (
	"encoding/json"
	"strconv"
)

// WeakString is a string that JSON may also give as a number or a boolean,
// as Caddy's caddyhttp.WeakString (used for status codes that may be
// placeholders: 404 or "{http.error.status_code}"). Unlike Caddy, objects
// and arrays are rejected. It marshals as Caddy's does: true and false as
// booleans, integers as numbers, anything else as a string.
type WeakString string

func (ws *WeakString) decodeJSON(_ *decoder, path string, raw json.RawMessage) error {
	if len(raw) == 0 {
		return typeError(path, raw, "a string or number")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return typeError(path, raw, "a string")
		}
		*ws = WeakString(s)
		return nil
	case '{', '[':
		return typeError(path, raw, "a string or number")
	}
	if string(raw) == "null" {
		*ws = ""
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return typeError(path, raw, "a string or number")
	}
	*ws = WeakString(raw)
	return nil
}

// MarshalJSON encodes ws as Caddy does.
func (ws WeakString) MarshalJSON() ([]byte, error) {
	switch ws {
	case "true", "false":
		return []byte(ws), nil
	}
	if _, err := strconv.Atoi(string(ws)); err == nil {
		return []byte(ws), nil
	}
	return json.Marshal(string(ws))
}

// Int returns ws as an integer and whether it is one (placeholders are not).
func (ws WeakString) Int() (int, bool) {
	n, err := strconv.Atoi(string(ws))
	return n, err == nil
}
