package helpers

import (
	"slices"
	"testing"
)

// TestAcceptedEncodings is Caddy's negotiation: q-values first, the
// server's prefer order for ties, q=0 and malformed items handled as
// Caddy does, WebSocket handshakes only identity.
func TestAcceptedEncodings(t *testing.T) {
	prefer := []string{"zstd", "gzip"}
	for _, c := range []struct {
		fields []string
		want   []string
	}{
		{nil, []string{}},
		{[]string{"gzip"}, []string{"gzip"}},
		{[]string{"gzip, zstd"}, []string{"zstd", "gzip"}},
		{[]string{"gzip", "zstd"}, []string{"zstd", "gzip"}},
		{[]string{"gzip;q=1.0, zstd;q=0.5"}, []string{"gzip", "zstd"}},
		{[]string{"zstd;q=0, gzip"}, []string{"gzip"}},
		{[]string{"GZIP ; q=0.8, br;q=0.9"}, []string{"br", "gzip"}},
		{[]string{"gzip;q=2, zstd;q=0.1"}, []string{"gzip", "zstd"}},
		{[]string{"gzip;q=abc"}, []string{"gzip"}},
		{[]string{"*"}, []string{"*"}},
		{[]string{"identity, gzip"}, []string{"gzip", "identity"}},
		{[]string{" , ,gzip"}, []string{"gzip"}},
	} {
		var h []Field
		for _, v := range c.fields {
			h = append(h, Field{"Accept-Encoding", v})
		}
		if got := AcceptedEncodings(h, prefer); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.fields, got, c.want)
		}
	}
	ws := []Field{{"Accept-Encoding", "gzip, identity"}, {"Sec-WebSocket-Key", "x"}}
	if got := AcceptedEncodings(ws, prefer); !slices.Equal(got, []string{"identity"}) {
		t.Errorf("websocket: got %q", got)
	}
}

// TestEncodeConfig checks the handler's own validation and that the
// negotiated coding and the If-None-Match stripping are Caddy's.
func TestEncodeConfig(t *testing.T) {
	for _, bad := range []string{
		`{"prefer":["gzip"],"minimum_length":512,"match":{}}`,
		`{"gzip":5,"prefer":["zstd"],"minimum_length":512,"match":{}}`,
		`{"gzip":5,"prefer":["gzip","gzip"],"minimum_length":512,"match":{}}`,
		`{"gzip":12,"prefer":["gzip"],"minimum_length":512,"match":{}}`,
		`{"zstd":"fast","prefer":["zstd"],"minimum_length":512,"match":{}}`,
		`{"gzip":5,"prefer":["gzip"],"minimum_length":512}`,
		`{"gzip":5,"prefer":["gzip"],"minimum_length":512,"match":{},"br":1}`,
	} {
		if _, err := caddyHandlers["encode"]([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	r, err := caddyHandlers["encode"]([]byte(`{"gzip":5,"zstd":"default","prefer":["zstd","gzip"],"minimum_length":512,"match":{"headers":{"Content-Type":["text/*"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	ex := &Exchange{}
	ex.Req.Header = []Field{{"Accept-Encoding", "gzip;q=0.9, zstd;q=0.8"}, {"If-None-Match", `"a-gzip"`}, {"If-None-Match", `"b"`}}
	if res, err := r.run(ex, replacer{ex}); res != CaddyContinue || err != nil {
		t.Fatalf("run: %d %v", res, err)
	}
	e, ok := ex.ResponseEncoding()
	if !ok || e.Coding() != "gzip" || e.MinLength() != 512 {
		t.Fatalf("encoding %+v %v", e, ok)
	}
	if v, _ := ex.Req.Get("If-None-Match"); v != `"a", "b"` {
		t.Errorf("If-None-Match %q", v)
	}
	if !e.Matches(200, []Field{{"Content-Type", "text/html"}}) || e.Matches(200, []Field{{"Content-Type", "image/png"}}) {
		t.Error("match")
	}
	ex.caddy.inError = &caddyError{status: 500}
	if _, ok := ex.ResponseEncoding(); ok {
		t.Error("encoding chosen before the error routes still applies in them")
	}
}
