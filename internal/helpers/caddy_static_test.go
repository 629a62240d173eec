package helpers

import (
	"slices"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// TestStaticResponseType checks the Content-Type static_response leaves
// as Caddy's does under Go's net/http: its own choice, a sniffed type when
// a deferred operation deleted it, none on 304.
func TestStaticResponseType(t *testing.T) {
	deleteType := &caddyconf.Headers{Response: &caddyconf.RespHeaderOps{
		HeaderOps: caddyconf.HeaderOps{Delete: []string{"Content-Type"}}, Deferred: true}}
	for _, c := range []struct {
		name    string
		headers *caddyconf.Headers
		resp    CaddyStaticResponse
		want    string // "" for no Content-Type
	}{
		{"text", nil, CaddyStaticResponse{Body: "hello"}, "text/plain; charset=utf-8"},
		{"json", nil, CaddyStaticResponse{Body: ` {"a":1} `}, "application/json"},
		{"empty", nil, CaddyStaticResponse{}, ""},
		{"deferred delete sniffs html", deleteType, CaddyStaticResponse{Body: "<html><body>x</body></html>"}, "text/html; charset=utf-8"},
		{"deferred delete sniffs text", deleteType, CaddyStaticResponse{Body: "d"}, "text/plain; charset=utf-8"},
		{"deferred delete 204", deleteType, CaddyStaticResponse{Body: "d", StatusCode: "204"}, ""},
		{"304 drops it", nil, CaddyStaticResponse{Body: "d", StatusCode: "304"}, ""},
	} {
		ex := &Exchange{Meta: map[string]string{}}
		ex.Req.Method = "GET"
		if err := ex.Req.SetURI("/"); err != nil {
			t.Fatal(err)
		}
		repl := replacer{ex}
		if c.headers != nil {
			h, err := newHeadersHandler(c.headers)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.run(ex, repl); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := newStaticRunner(&c.resp).run(ex, repl); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := ""
		for _, f := range ex.ResponseHeader {
			if isContentType(f) {
				got = f.Value
			}
		}
		if got != c.want {
			t.Errorf("%s: Content-Type %q, want %q", c.name, got, c.want)
		}
	}
}

// TestStaticResponseHeaders checks the fields static_response sets: names
// canonicalised (a name that is not a token kept as is), those with
// placeholders after replacing them, in name order, each replacing the
// fields of its name already there.
func TestStaticResponseHeaders(t *testing.T) {
	s := &CaddyStaticResponse{Headers: map[string][]string{
		"x-b":                     {"1", "2"},
		"X-{http.request.method}": {"{http.request.method}"},
		"x-a\\}":                  {"3"},
	}}
	ex := &Exchange{Meta: map[string]string{}}
	ex.Req.Method = "GET"
	if err := ex.Req.SetURI("/"); err != nil {
		t.Fatal(err)
	}
	ex.ResponseHeader = []Field{{"X-B", "old"}, {"X-Other", "kept"}}
	if _, err := newStaticRunner(s).run(ex, replacer{ex}); err != nil {
		t.Fatal(err)
	}
	want := []Field{{"X-Other", "kept"}, {"X-Get", "GET"}, {"x-a}", "3"}, {"X-B", "1"}, {"X-B", "2"}}
	if !slices.Equal(ex.ResponseHeader, want) {
		t.Errorf("fields %v, want %v", ex.ResponseHeader, want)
	}
}
