package helpers

import (
	"fmt"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestHeaderOps applies header operations in Caddy's order (delete "*",
// add, set, delete, replace) with canonical names, as headers.HeaderOps.
func TestHeaderOps(t *testing.T) {
	ops, err := newHeaderOps(&caddyconf.HeaderOps{
		Add:    map[string][]string{"x-add": {"a", "{http.request.method}"}},
		Set:    map[string][]string{"x-set": {"1", "2"}, "Set-Cookie": {"a=1", "b=2"}},
		Delete: []string{"x-drop*", "*-suffix", "Server"},
		Replace: map[string][]caddyconf.Replacement{
			"X-Keep": {{Search: "old", Replace: "new"}},
			"*":      {{SearchRegexp: "v([0-9])", Replace: "ver$1"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := &Exchange{}
	ex.Req.Method = "PUT"
	h := []Field{{"X-Keep", "old v1"}, {"X-Drop-Me", "x"}, {"A-Suffix", "x"}, {"server", "s"}, {"X-Set", "0"}}
	h = ops.apply(h, replacer{ex})
	got := fmt.Sprint(h)
	want := "[{X-Keep new ver1} {X-Add a} {X-Add PUT} {Set-Cookie a=1} {Set-Cookie b=2} {X-Set 1,2}]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	all, _ := newHeaderOps(&caddyconf.HeaderOps{Delete: []string{"*"}, Add: map[string][]string{"X": {"1"}}})
	if got := fmt.Sprint(all.apply([]Field{{"A", "1"}, {"B", "2"}}, replacer{ex})); got != "[{X 1}]" {
		t.Errorf(`delete "*" then add: got %s`, got)
	}
}
