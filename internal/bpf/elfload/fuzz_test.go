package elfload

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad checks that Load never panics and returns either an *Error or an
// Object that satisfies checkInvariants. The corpus starts from the clang
// fixtures and the uBPF-style template.
func FuzzLoad(f *testing.F) {
	objs, err := filepath.Glob(filepath.Join("testdata", "*.o"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range objs {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(buildTemplate(nil, nil))
	f.Add(pointersTemplate())
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Load(data)
		if err != nil {
			var lerr *Error
			if o != nil || !errors.As(err, &lerr) {
				t.Fatalf("Load = %v, %v (%T); want nil and an *Error", o, err, err)
			}
			return
		}
		if err := checkInvariants(o); err != nil {
			t.Fatal(err)
		}
	})
}
