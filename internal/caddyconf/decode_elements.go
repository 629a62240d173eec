package caddyconf

import (
	"encoding/json"
	"reflect"
	"runtime"
	"sync"
)

// parallelElements is the array length from which elements are decoded
// on every CPU: a 256-site config's routes are one such array, and each
// element is decoded on its own (the decoder's only state is its
// warnings).
const parallelElements = 64

// elements decodes elems into the slice s, element i at path[i]. Long
// arrays are cut into one contiguous run per CPU, each decoded by its own
// decoder; the runs' warnings are then added in order up to the first
// run that failed, whose error is returned: what decoding them one by one
// would have given.
func (d *decoder) elements(path string, elems []json.RawMessage, s reflect.Value) error {
	n := min(runtime.GOMAXPROCS(0), len(elems)/(parallelElements/2))
	if len(elems) < parallelElements || n < 2 {
		for i, e := range elems {
			if err := d.decode(joinIndex(path, i), e, s.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	type run struct {
		d   decoder
		err error
	}
	runs := make([]run, n)
	var wg sync.WaitGroup
	for k := range runs {
		lo, hi := k*len(elems)/n, (k+1)*len(elems)/n
		wg.Go(func() {
			r := &runs[k]
			for i := lo; i < hi; i++ {
				if r.err = r.d.decode(joinIndex(path, i), elems[i], s.Index(i)); r.err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, r := range runs {
		d.warnings = append(d.warnings, r.d.warnings...)
		if r.err != nil {
			return r.err
		}
	}
	return nil
}
