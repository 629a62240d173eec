package caddyconf

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestElementsInParallel decodes arrays long enough to be cut into runs:
// the values, the warnings (in element order) and the first error are
// those of a decoding one element after the other.
func TestElementsInParallel(t *testing.T) {
	type elem struct {
		M json.RawMessage `json:"m,omitempty" zs:"warn"`
		N int             `json:"n"`
	}
	for _, bad := range [][]int{nil, {150, 40}, {199}, {0}} {
		var parts []string
		var want []string
		wantErr := ""
		for i := range 200 {
			switch {
			case slices.Contains(bad, i):
				parts = append(parts, `{"n":"x"}`)
				if wantErr == "" || i < slices.Min(bad) {
					wantErr = fmt.Sprintf("a[%d].n", i)
				}
			case i%7 == 0:
				parts = append(parts, fmt.Sprintf(`{"n":%d,"m":1}`, i))
				if len(bad) == 0 || i < slices.Min(bad) {
					want = append(want, fmt.Sprintf("a[%d].m", i))
				}
			default:
				parts = append(parts, fmt.Sprintf(`{"n":%d}`, i))
			}
		}
		var d decoder
		var out []elem
		err := d.decode("a", json.RawMessage("["+strings.Join(parts, ",")+"]"), reflect.ValueOf(&out).Elem())
		var got []string
		for _, w := range d.warnings {
			got = append(got, w.Path)
		}
		if wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), wantErr+":") {
				t.Fatalf("bad %v: got %v, want an error at %s", bad, err, wantErr)
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range out {
				if e.N != i {
					t.Fatalf("element %d decoded as %d", i, e.N)
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("bad %v: warnings at\n%v\nwant\n%v", bad, got, want)
		}
	}
}
