package caddyconf

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzSplit: on valid JSON the splitters agree with encoding/json; on
// anything else they report false or agree (never panic).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":1,"b":[1,{"c":"}"}],"a":2}`, `[1, "x\"]", {"k": null}, true]`,
		`{"\u0041":"v"}`, ` { "a" : [ ] } `, `{"a":1,}`, `[1 2]`, `{"a"}`, `{"a":"\\"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if len(b) > 0 && b[0] == '{' {
			got, ok := splitObject(b)
			var want map[string]json.RawMessage
			if err := json.Unmarshal(b, &want); err == nil && ok {
				if len(got) != len(want) {
					t.Fatalf("%q: %d members, want %d", s, len(got), len(want))
				}
				for k, v := range want {
					if !jsonEqual(got[k], v) {
						t.Fatalf("%q: member %q = %q, want %q", s, k, got[k], v)
					}
				}
			} else if ok && json.Valid(b) {
				t.Fatalf("%q: split but encoding/json refused it", s)
			}
		}
		if len(b) > 0 && b[0] == '[' {
			got, ok := splitArray(b)
			var want []json.RawMessage
			if err := json.Unmarshal(b, &want); err == nil && ok {
				if len(got) != len(want) {
					t.Fatalf("%q: %d elements, want %d", s, len(got), len(want))
				}
				for i := range want {
					if !jsonEqual(got[i], want[i]) {
						t.Fatalf("%q: element %d = %q, want %q", s, i, got[i], want[i])
					}
				}
			}
		}
	})
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
