package compile

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// The helper configurations of a server's matchers and handlers (marshal,
// placeholder check, the helper's own parser) are most of the compiler's
// time, and each is a pure function of its matcher set or handler. So
// precompute runs them on every CPU before emission, and emission takes
// their results in its own order: the object is the same as computed one
// by one, and the first error is the same one at the same place.

// configResult is the outcome of one helper configuration.
type configResult struct {
	js  string
	err error
}

// matcherAt is a matcher set at its JSON path (the path is in its error).
type matcherAt struct {
	ms   *caddyconf.MatcherSet
	path string
}

// precomputed holds the configurations computed ahead of emission, and
// whether the server reads the original request (usesOrigRequest).
type precomputed struct {
	matchers map[matcherAt]configResult
	handlers map[*caddyconf.LoweredHandler]configResult
	orig     bool
}

// configJob is one configuration to compute: a matcher set or a handler.
type configJob struct {
	matcher matcherAt
	handler *caddyconf.LoweredHandler
}

// precompute computes the configurations of every matcher set and handler
// reachable from the server's route lists, and usesOrigRequest, on up to
// GOMAXPROCS goroutines.
func precompute(sp *caddyconf.ServerProgram) *precomputed {
	pre := &precomputed{matchers: map[matcherAt]configResult{}, handlers: map[*caddyconf.LoweredHandler]configResult{}}
	var jobs []configJob
	walkRoutes(sp, func(r *caddyconf.LoweredRoute) {
		for i, ms := range r.Match {
			jobs = append(jobs, configJob{matcher: matcherAt{ms, fmt.Sprintf("%s.match[%d]", r.Path, i)}})
		}
	}, func(h *caddyconf.LoweredHandler) {
		switch h.Module.(type) {
		case *caddyconf.Subroute, *caddyconf.Invoke:
		default:
			jobs = append(jobs, configJob{handler: h})
		}
	})
	results := make([]configResult, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			cc := checkedConfigs{}
			for {
				// Job -1 is usesOrigRequest (a walk of the whole
				// server), first so that it overlaps the others.
				i := int(next.Add(1) - 2)
				if i >= len(jobs) {
					return
				}
				if i < 0 {
					pre.orig = usesOrigRequest(sp)
				} else if j := jobs[i]; j.handler != nil {
					results[i].js, results[i].err = cc.handler(j.handler)
				} else {
					results[i].js, results[i].err = cc.matcher(j.matcher.path, j.matcher.ms)
				}
			}
		})
	}
	wg.Wait()
	for i, j := range jobs {
		if j.handler != nil {
			pre.handlers[j.handler] = results[i]
		} else {
			pre.matchers[j.matcher] = results[i]
		}
	}
	return pre
}

// matcher returns a matcher set's configuration: precomputed, or computed
// now if precompute did not reach it.
func (c *compiler) matcher(path string, ms *caddyconf.MatcherSet) (string, error) {
	if r, ok := c.pre.matchers[matcherAt{ms, path}]; ok {
		return r.js, r.err
	}
	return c.checked.matcher(path, ms)
}

// handlerConfig returns a handler's configuration: precomputed, or
// computed now if precompute did not reach it.
func (c *compiler) handlerConfig(h *caddyconf.LoweredHandler) (string, error) {
	if r, ok := c.pre.handlers[h]; ok {
		return r.js, r.err
	}
	return c.checked.handler(h)
}
