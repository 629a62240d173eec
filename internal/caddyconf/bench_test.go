package caddyconf

import (
	"sort"
	"testing"
)

// BenchmarkParse parses and lowers every config of Caddy's adapter corpus
// that zeroserve supports, once per iteration.
func BenchmarkParse(b *testing.B) {
	corpus := caddyCorpus(b)
	var inputs [][]byte
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	size := 0
	for _, name := range names {
		if _, err := Parse(corpus[name]); err == nil {
			inputs = append(inputs, corpus[name])
			size += len(corpus[name])
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			cfg, err := Parse(in)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = Lower(cfg)
		}
	}
}
