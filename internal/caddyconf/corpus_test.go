package caddyconf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// caddyCorpus returns the expected-JSON halves of Caddy's adapter corpus
// (caddytest/integration/caddyfile_adapt/*.caddyfiletest) by file name,
// skipping t when the corpus is not in the module cache. Cases whose
// expected output is an error text are left out.
func caddyCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	cases, err := loadCaddyCorpus()
	if err != nil {
		t.Skip(err)
	}
	return cases
}

func loadCaddyCorpus() (map[string][]byte, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/caddyserver/caddy/v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		return nil, errors.New("caddy module not in the module cache (go mod download github.com/caddyserver/caddy/v2): corpus not available")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "caddytest", "integration", "caddyfile_adapt", "*.caddyfiletest"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no adapter corpus in %s", dir)
	}
	cases := make(map[string][]byte)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		expected, ok := afterDashes(data)
		if !ok {
			return nil, fmt.Errorf("%s: no line of dashes", f)
		}
		expected = bytes.TrimSpace(expected)
		if len(expected) == 0 || expected[0] != '{' {
			continue // an expected adapter error, not JSON
		}
		cases[filepath.Base(f)] = expected
	}
	return cases, nil
}

// afterDashes returns what follows the first line made of dashes (Caddy's
// separator "----------", sometimes with trailing blanks).
func afterDashes(data []byte) ([]byte, bool) {
	for rest := data; len(rest) > 0; {
		line, tail, _ := bytes.Cut(rest, []byte("\n"))
		l := bytes.TrimRight(line, " \t\r")
		if len(l) >= 10 && len(bytes.Trim(l, "-")) == 0 {
			return tail, true
		}
		rest = tail
	}
	return nil, false
}

// TestCaddyCorpus parses every expected JSON of Caddy's adapter corpus:
// each must parse, or be rejected with an UnsupportedError naming the
// module and its JSON path. Parsed configs must round-trip (see
// roundTripEqual).
func TestCaddyCorpus(t *testing.T) {
	cases := caddyCorpus(t)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	var parsed, rejected, failed, lowered int
	reasons := make(map[string]int)
	lowerErrs := make(map[string]string)
	for _, name := range names {
		data := cases[name]
		cfg, err := parseNoPanic(data)
		var unsup *UnsupportedError
		switch {
		case err == nil:
			parsed++
			if diff := roundTripEqual(t, data, cfg); diff != "" {
				failed++
				t.Errorf("%s: round trip differs: %s", name, diff)
			}
			if _, err := lowerNoPanic(cfg); err != nil {
				lowerErrs[name] = err.Error()
			} else {
				lowered++
			}
		case errors.As(err, &unsup) && unsup.Name != "" && unsup.Path != "":
			rejected++
			reasons[unsup.Kind+" "+fmt.Sprintf("%q", unsup.Name)]++
		default:
			failed++
			t.Errorf("%s: %v", name, err)
		}
	}
	type reason struct {
		text  string
		count int
	}
	var list []reason
	for text, count := range reasons {
		list = append(list, reason{text, count})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].count != list[j].count {
			return list[i].count > list[j].count
		}
		return list[i].text < list[j].text
	})
	var b strings.Builder
	for i, r := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s ×%d", r.text, r.count)
	}
	t.Logf("caddy json corpus: %d parsed, %d rejected (unsupported: %s), %d failed", parsed, rejected, b.String(), failed)
	fmt.Printf("caddy json corpus: %d parsed, %d rejected (unsupported: %s), %d failed\n", parsed, rejected, b.String(), failed)
	t.Logf("lowered %d of %d parsed", lowered, parsed)
	for _, name := range names {
		if e, ok := lowerErrs[name]; ok {
			if allowed := lowerRejects[name]; allowed == "" || !strings.Contains(e, allowed) {
				t.Errorf("%s: lower: %s", name, e)
			}
		}
	}
	for name := range lowerRejects {
		if _, ok := lowerErrs[name]; !ok {
			t.Errorf("%s: listed in lowerRejects but lowered fine: remove it", name)
		}
	}
	if parsed == 0 {
		t.Error("no corpus case parsed")
	}
}

// lowerRejects are corpus cases that Caddy adapts but Lower rejects on
// purpose, with the error text expected and the reason.
var lowerRejects = map[string]string{
	// Named routes loop1 and loop2 invoke each other: Caddy accepts the
	// config and recurses without bound at request time.
	"invoke_nested_named_routes.caddyfiletest": "invoke cycle: loop1 -> loop2 -> loop1",
}

// lowerNoPanic is Lower with a recovered panic turned into an error.
func lowerNoPanic(cfg *Config) (p *Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return Lower(cfg)
}

// parseNoPanic is Parse with a recovered panic turned into an error, so a
// panic counts as a failure of one case instead of ending the test.
func parseNoPanic(data []byte) (cfg *Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return Parse(data)
}

// roundTripEqual marshals cfg and compares it with the input as JSON
// values, after these documented normalisations of both sides:
//   - members whose value is false, 0, "", null or [] are dropped (Caddy
//     writes its JSON with omitempty, and they mean "unset");
//   - a "status_code" string holding an integer equals that integer
//     (WeakString marshals integers as numbers, as Caddy does).
//
// It returns "" when equal, else a description of the first difference.
func roundTripEqual(t testing.TB, input []byte, cfg *Config) string {
	t.Helper()
	out, err := json.Marshal(cfg)
	if err != nil {
		return "marshal: " + err.Error()
	}
	var a, b any
	if err := json.Unmarshal(input, &a); err != nil {
		return "input: " + err.Error()
	}
	if err := json.Unmarshal(out, &b); err != nil {
		return "output: " + err.Error()
	}
	a, b = normalize("", a), normalize("", b)
	return jsonDiff("", a, b)
}

func normalize(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			e = normalize(k, e)
			if isUnset(e) {
				continue
			}
			m[k] = e
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = normalize(key, e)
		}
		return s
	case string:
		if key == "status_code" {
			var n float64
			if _, err := fmt.Sscanf(x, "%d", new(int)); err == nil && json.Unmarshal([]byte(x), &n) == nil {
				return n
			}
		}
	}
	return v
}

func isUnset(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// jsonDiff describes the first difference between two decoded JSON values.
func jsonDiff(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: input %v, output %v", path, a, b)
		}
		keys := make(map[string]bool)
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := jsonDiff(joinKey(path, k), x[k], y[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: input %v, output %v", path, a, b)
		}
		for i := range x {
			if d := jsonDiff(joinIndex(path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("%s: input %#v, output %#v", path, a, b)
	}
	return ""
}
