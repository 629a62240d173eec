package elfload

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad loads the largest fixture, helpers.o (two entry sections,
// data, five helper calls, seven data references).
func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "helpers.o"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}
