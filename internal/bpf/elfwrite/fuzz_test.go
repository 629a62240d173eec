package elfwrite

import (
	"os"
	"reflect"
	"testing"

	"github.com/zeroserve/zeroserve/internal/bpf/elfload"
)

// FuzzRoundTrip: any object the loader accepts is written without error
// and loads back equal.
func FuzzRoundTrip(f *testing.F) {
	for _, path := range fixturePaths() {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := elfload.Load(data)
		if err != nil {
			return
		}
		out, err := Write(want)
		if err != nil {
			t.Fatalf("Write of a loaded object: %v", err)
		}
		got, err := elfload.Load(out)
		if err != nil {
			t.Fatalf("loading the written object: %v", err)
		}
		got.Funcs, want.Funcs = onlyNamed(got.Funcs), onlyNamed(want.Funcs)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
		}
	})
}
