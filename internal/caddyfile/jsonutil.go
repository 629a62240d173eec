package caddyfile

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"net"
	"slices"
)

// sortedKeys returns the keys of m in increasing order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

// joinHostPort is net.JoinHostPort (brackets IPv6 hosts).
func joinHostPort(host, port string) string {
	return net.JoinHostPort(host, port)
}

// jsonEqual reports whether a and b marshal to the same JSON. Config values
// are compared this way because the same JSON may be held in different Go
// types ([]string or []any); Caddy compares the marshaled forms too.
func jsonEqual(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// stringList returns v as a list of strings if it marshals to a JSON array
// of strings, else nil.
func stringList(v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []string:
		return v
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out []string
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}
