package main

import (
	"sync"
	"sync/atomic"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/proxy"
	"github.com/zeroserve/zeroserve/internal/server"
)

// maxCachedUpstreams bounds the parsed upstream URLs kept for reuse; past
// it, URLs are parsed per request.
const maxCachedUpstreams = 1024

// newForwarder returns the server.Scripts Forward function: it proxies a
// request to the upstream a script chose with zs_reverse_proxy, through one
// process-wide proxy engine (its connection pools are per event loop).
func newForwarder() (func(w *server.ResponseWriter, r *server.Request, upstream string, req *helpers.Request), error) {
	p, err := proxy.New(proxy.Config{})
	if err != nil {
		return nil, err
	}
	var cache sync.Map // URL -> *proxy.Upstream
	var cached atomic.Int64
	return func(w *server.ResponseWriter, r *server.Request, upstream string, req *helpers.Request) {
		var u *proxy.Upstream
		if v, ok := cache.Load(upstream); ok {
			u = v.(*proxy.Upstream)
		} else {
			var err error
			if u, err = proxy.ParseUpstream(upstream); err != nil {
				w.WriteHeader(502)
				w.AddHeader("Content-Type", "text/plain; charset=utf-8")
				w.WriteString("502 Bad Gateway: zs_reverse_proxy: " + err.Error() + "\n")
				return
			}
			if cached.Add(1) <= maxCachedUpstreams {
				cache.Store(upstream, u)
			}
		}
		p.Forward(w, r, u, &proxy.Outgoing{
			Method:   req.Method,
			Path:     req.Path,
			RawQuery: req.RawQuery,
			Header: func(yield func(string, string) bool) {
				for _, f := range req.Header {
					if !yield(f.Name, f.Value) {
						return
					}
				}
			},
		})
	}, nil
}
