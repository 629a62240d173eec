package helpers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{`{"b":1,"a":[true,false,null,"x"],"b":2}`, `{"b":2,"a":[true,false,null,"x"]}`},
		{` 123456789012345678901234567890 `, `123456789012345678901234567890`},
		{`"\u00e9\n\u0001\"\\"`, `"é\n\u0001\"\\"`},
		{`{"":{}}`, `{"":{}}`},
		{`[]`, `[]`},
		{`{"a":1,"b":2,"a":3,"c":{"x":1,"x":2},"b":4}`, `{"a":3,"b":4,"c":{"x":2}}`},
	} {
		var b MemBudget
		n, err := parseJSON([]byte(c.in), &b)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got := string(n.appendJSON(nil)); got != c.out {
			t.Errorf("%s: %s, want %s", c.in, got, c.out)
		}
		if b.Used == 0 {
			t.Errorf("%s: nothing charged", c.in)
		}
	}
	for _, in := range []string{``, `{`, `[1,]`, `{"a"}`, `1 2`, `{"a":1}}`, `nul`, `[` + strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth+1)} {
		var b MemBudget
		if _, err := parseJSON([]byte(in), &b); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
	b := MemBudget{Limit: 100}
	_, err := parseJSON([]byte(`[1,2,3]`), &b)
	var be *BudgetError
	if !errors.As(err, &be) || b.Used > 100 {
		t.Errorf("over budget: %v, used %d", err, b.Used)
	}
}

// FuzzParseJSON: parseJSON accepts what encoding/json accepts (up to the
// depth limit), and its output is valid JSON that parses to itself.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u0000"],"b":{"c":null}}`, `"\xff"`, `[[[]]]`, `-0`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := MemBudget{Limit: 1 << 30}
		n, err := parseJSON(data, &b)
		if errors.Is(err, errJSONDepth) {
			return
		}
		if (err == nil) != json.Valid(data) {
			t.Fatalf("parseJSON error %v, json.Valid %v", err, json.Valid(data))
		}
		if err != nil {
			return
		}
		out := n.appendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("output %q is not valid JSON", out)
		}
		m, err := parseJSON(out, &b)
		if err != nil {
			t.Fatal(err)
		}
		if again := m.appendJSON(nil); string(again) != string(out) {
			t.Fatalf("not a fixed point: %q then %q", out, again)
		}
		c, err := n.clone(&b)
		if err != nil || string(c.appendJSON(nil)) != string(out) {
			t.Fatalf("clone differs: %v", err)
		}
	})
}

// BenchmarkParseJSON parses an object of 10000 members, half of them
// repeated keys (linear, not quadratic, in the member count).
func BenchmarkParseJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range 10000 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"k%d":[%d,"v"]`, i%5000, i)
	}
	sb.WriteString("}")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		budget := MemBudget{Limit: 1 << 30}
		if _, err := parseJSON(data, &budget); err != nil {
			b.Fatal(err)
		}
	}
}
