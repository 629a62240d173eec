package static

import "testing"

// BenchmarkSiteServe decides the response to a conditional GET and to a
// plain GET of a tarball file (lookup, MIME type, validators; no body
// bytes are read).
func BenchmarkSiteServe(b *testing.B) {
	s := testSite(b)
	in, _ := s.Source.Stat("docs/a.txt")
	for _, c := range []struct {
		name string
		req  Request
	}{
		{"get", get("GET")},
		{"if-none-match", get("GET", "If-None-Match", in.ETag)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Serve(c.req, "/docs/a.txt").Close()
			}
		})
	}
}
