package helpers

import (
	"strings"
	"testing"
)

// lowerPattern is the header pattern rule spelled with strings.ToLower,
// the reference nameMatches must agree with on ASCII names.
func lowerPattern(p, n string) bool {
	p, n = strings.ToLower(p), strings.ToLower(n)
	pre, suf := strings.HasSuffix(p, "*"), strings.HasPrefix(p, "*")
	switch {
	case p == "*":
		return true
	case pre && suf:
		return strings.Contains(n, p[1:len(p)-1])
	case pre:
		return strings.HasPrefix(n, p[:len(p)-1])
	case suf:
		return strings.HasSuffix(n, p[1:])
	}
	return n == p
}

func TestNameMatches(t *testing.T) {
	for _, c := range []struct {
		p, n string
		want bool
	}{
		{"X-Forwarded-For", "x-forwarded-for", true},
		{"X-Forwarded-For", "X-Forwarded-Fo", false},
		{"x-*", "X-Real-IP", true},
		{"x-*", "Accept", false},
		{"*-ip", "X-Real-IP", true},
		{"*-ip", "IP", false},
		{"*FORWARD*", "x-forwarded-host", true},
		{"*forward*", "Accept", false},
		{"**", "Accept", true},
		{"*", "", true},
		{"", "", true},
		{"", "a", false},
	} {
		if got := nameMatches(c.p, c.n); got != c.want || got != lowerPattern(c.p, c.n) {
			t.Errorf("nameMatches(%q, %q) = %v, want %v", c.p, c.n, got, c.want)
		}
	}
}

func TestDeleteAllocates(t *testing.T) {
	r := &Request{Header: make([]Field, 0, 8)}
	if n := testing.AllocsPerRun(100, func() {
		r.Header = append(r.Header[:0], Field{"Host", "a"}, Field{"X-Forwarded-For", "b"}, Field{"X-Real-IP", "c"})
		r.Set("X-Forwarded-For", "d")
		r.Delete("*real*")
	}); n != 0 {
		t.Errorf("%v allocations per Set and Delete", n)
	}
	if len(r.Header) != 2 || r.Header[1] != (Field{"X-Forwarded-For", "d"}) {
		t.Errorf("header %v", r.Header)
	}
}

// FuzzNameMatches checks nameMatches against the lower-casing rule on
// ASCII patterns and names.
func FuzzNameMatches(f *testing.F) {
	f.Add("x-*", "X-Real-IP")
	f.Add("*Forward*", "x-forwarded-for")
	f.Add("*-IP", "ip")
	f.Fuzz(func(t *testing.T, p, n string) {
		for _, s := range []string{p, n} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					t.Skip("non-ASCII")
				}
			}
		}
		if got, want := nameMatches(p, n), lowerPattern(p, n); got != want {
			t.Fatalf("nameMatches(%q, %q) = %v, want %v", p, n, got, want)
		}
	})
}

func TestRequestURIForceQuery(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"/p", "/p"},
		{"/p?", "/p?"},
		{"/p?a=1", "/p?a=1"},
		{"/p?a", "/p?a"},
	} {
		var r Request
		if err := r.SetURI(tc.set); err != nil {
			t.Fatalf("SetURI(%q): %v", tc.set, err)
		}
		if got := r.URI(); got != tc.want {
			t.Errorf("SetURI(%q): URI() = %q, want %q", tc.set, got, tc.want)
		}
	}
}
