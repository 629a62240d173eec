package helpers

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestForwardedHeaders(t *testing.T) {
	in := []Field{{"x-forwarded-for", "6.6.6.6"}, {"Host", "a.example"}, {"X-Forwarded-Proto", "https"}, {"Accept", "*/*"}, {"X-FORWARDED-HOST", "orig.example"}}
	for _, c := range []struct {
		name    string
		peer    string
		trusted bool
		ranges  []netip.Prefix
		want    []Field
	}{
		{"untrusted", "1.2.3.4:5", false, nil, []Field{{"Host", "a.example"}, {"Accept", "*/*"},
			{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "a.example"}}},
		{"trusted server", "1.2.3.4:5", true, nil, []Field{{"Host", "a.example"}, {"Accept", "*/*"},
			{"X-Forwarded-For", "6.6.6.6, 1.2.3.4"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "orig.example"}}},
		{"trusted range", "[::ffff:10.1.2.3]:5", false, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, []Field{{"Host", "a.example"}, {"Accept", "*/*"},
			{"X-Forwarded-For", "6.6.6.6, ::ffff:10.1.2.3"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "orig.example"}}},
		{"range not matching", "11.1.2.3:5", false, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, []Field{{"Host", "a.example"}, {"Accept", "*/*"},
			{"X-Forwarded-For", "11.1.2.3"}, {"X-Forwarded-Proto", "http"}, {"X-Forwarded-Host", "a.example"}}},
		{"no peer", "", false, nil, []Field{{"Host", "a.example"}, {"Accept", "*/*"}}},
		{"no peer, trusted", "", true, nil, []Field{{"Host", "a.example"}, {"Accept", "*/*"},
			{"X-Forwarded-For", "6.6.6.6"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "orig.example"}}},
	} {
		rp := &CaddyReverseProxy{trusted: c.ranges}
		req := &Request{Peer: c.peer, Header: append([]Field(nil), in...)}
		rp.forwardedHeaders(req, c.trusted)
		if !reflect.DeepEqual(req.Header, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, req.Header, c.want)
		}
	}
}
