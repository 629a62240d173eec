package caddyconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParse checks, on any input, that Parse returns a config xor a
// *PathError/*UnsupportedError and never panics; that a parsed config
// marshals, parses again, and marshals to the same bytes (the model is a
// fixed point of its own output); and that Lower never panics and returns
// only typed errors.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `[]`, `{"apps":{}}`,
		wrapRoutes(`[{"match":[{"host":["a"],"not":[{"path":["/x"]}]}],"handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"invoke","name":"n"}]}]}]}]`),
		`{"apps":{"http":{"servers":{"s":{"listen":[":1"],"named_routes":{"n":{"handle":[{"handler":"invoke","name":"n"}]}}}}}}}`,
		wrapRoutes(`[{"handle":[{"handler":"reverse_proxy","transport":{"protocol":"http","dial_timeout":"1d"},"load_balancing":{"selection_policy":{"policy":"header","field":"x","fallback":{"policy":"first"}}}}]}]`),
		wrapRoutes(`[{"handle":[{"handler":"static_response","status_code":"201","headers":{"A":null}}]}]`),
		`{"apps":{"tls":{"automation":{"policies":[{"issuers":[{"module":"acme","challenges":{"dns":{"provider":{"name":"x"}}}}]}]}}}}`,
		`{"logging":{"logs":{"l":{"encoder":{"format":"filter","wrap":{"format":"json"},"fields":{"a":{"filter":"delete"}}}}}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if corpus, err := loadCaddyCorpus(); err == nil {
		n := 0
		for _, data := range corpus {
			if n == 40 {
				break
			}
			f.Add(data)
			n++
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		if err != nil {
			if cfg != nil {
				t.Fatal("config and error both returned")
			}
			checkTyped(t, err, json.Valid(data))
			return
		}
		if cfg == nil {
			t.Fatal("neither config nor error")
		}
		out, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		cfg2, err := Parse(out)
		if err != nil {
			t.Fatalf("own output does not parse: %v\n%s", err, out)
		}
		out2, err := json.Marshal(cfg2)
		if err != nil {
			t.Fatalf("marshal again: %v", err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("output not stable:\n%s\n%s", out, out2)
		}
		if _, err := Lower(cfg); err != nil {
			checkTyped(t, err, true)
		}
	})
}

// checkTyped fails unless err is a *PathError or *UnsupportedError (a
// non-JSON input may only give the root PathError).
func checkTyped(t *testing.T, err error, valid bool) {
	t.Helper()
	var pe *PathError
	var ue *UnsupportedError
	if !errors.As(err, &pe) && !errors.As(err, &ue) {
		t.Fatalf("untyped error %T: %v", err, err)
	}
	if !valid && (pe == nil || pe.Path != "") {
		t.Fatalf("invalid JSON gave %v", err)
	}
	if pe != nil && len(pe.Msg) >= 4 && pe.Msg[:4] == "BUG:" {
		t.Fatalf("decoder bug: %v", err)
	}
}
