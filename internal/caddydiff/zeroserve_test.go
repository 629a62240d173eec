//go:build caddyoracle

package caddydiff

import (
	"net"
	"strconv"

	"github.com/zeroserve/zeroserve/internal/bpf/elfwrite"
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/compile"
	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/proxy"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/server"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// compileZeroserve runs the Caddyfile through zeroserve's pipeline as
// cmd/zeroserve does: our adapter, the strict model, the compiler, the
// ELF writer and the loader (JIT where there is one).
func compileZeroserve(src string) (*script.Chain, error) {
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		return nil, err
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		return nil, err
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		return nil, err
	}
	obj, err := compile.Compile(prog, compile.Options{})
	if err != nil {
		return nil, err
	}
	elf, err := elfwrite.Write(obj)
	if err != nil {
		return nil, err
	}
	h, err := script.NewHelpers()
	if err != nil {
		return nil, err
	}
	s, err := script.LoadObject("caddy", elf, h, script.Options{JIT: vm.JITAuto})
	if err != nil {
		return nil, err
	}
	return script.NewChain(s), nil
}

// startZeroserve serves chain on 127.0.0.1:port with one worker on the
// backend, forwarding reverse_proxy requests through the proxy engine.
func startZeroserve(chain *script.Chain, port int, backend loop.Backend) (*server.Server, error) {
	fwd, err := newForwarder()
	if err != nil {
		return nil, err
	}
	srv, err := server.New(server.Config{
		Addr:    net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Threads: 1,
		Backend: backend,
		Handler: &server.Scripts{
			Chain:   chain,
			Config:  &helpers.Config{RateLimiter: helpers.NewRateLimiter(helpers.DefaultRateLimitBuckets)},
			Forward: fwd,
		},
	})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	return srv, nil
}

// newForwarder returns a server.Scripts Forward function on one proxy
// engine, as cmd/zeroserve's (upstream URLs parsed per request).
func newForwarder() (func(w *server.ResponseWriter, r *server.Request, ex *helpers.Exchange, fuel uint64, release func()), error) {
	p, err := proxy.New(proxy.Config{})
	if err != nil {
		return nil, err
	}
	return func(w *server.ResponseWriter, r *server.Request, ex *helpers.Exchange, _ uint64, release func()) {
		defer release() // Forward copies the request
		upstream := ex.Upstream
		if ex.Proxy != nil {
			// Stopgap: the first upstream only; cmd/zeroserve's bridge
			// (balancing, header_up/down, response edits) is not importable.
			upstream = "http://" + ex.Proxy.Upstreams[0].Dial
		}
		u, err := proxy.ParseUpstream(upstream)
		if err != nil {
			w.WriteHeader(502)
			return
		}
		req := &ex.Req
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
