package server

import (
	"bytes"
	"fmt"
	"io"
	"sync"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/static"
)

// Scripts is the Handler that serves requests with a script chain
// (DESIGN §4): it copies the request into a helpers.Exchange, runs the
// chain on the loop goroutine (bounded by the fuel budget, so it cannot
// stall the loop for long) and writes what the chain decided:
//
//   - a response (zs_respond, or a compiled Caddy handler): its status and
//     body, every zs.response.header.<name> metadata entry as a header, then
//     Exchange.ResponseHeader; response hooks (zs_res_hook) run before it
//     is written and may change its status and header, or ask for the
//     request to run again (zs_res_continue_request, at most
//     maxContinues times);
//   - an abort (zs_abort): the connection closes with no response;
//   - a trap: 500 with an empty text/plain body, and a log line naming
//     the script, the section and the trap;
//   - no decision: Fallback, or 404 when Fallback is nil (hooks run for
//     the 404, not for Fallback's response).
type Scripts struct {
	// Chain is the scripts to run, in order.
	Chain *script.Chain
	// Fuel is the per-request budget (script.DefaultFuel when 0); response
	// hooks get a budget of the same size.
	Fuel uint64
	// Config is the helpers' process-level configuration (environment
	// allow-list, rate limiter, memory budget); it outlives reloads.
	Config *helpers.Config
	// Forward proxies a request whose chain chose to (zs_reverse_proxy:
	// ex.Upstream; Caddy's reverse_proxy: ex.Proxy), sending ex.Req (the
	// request as the chain left it) and applying the chain's response
	// edits to the proxied response (helpers.Exchange.ProxiedResponse,
	// with fuel for hooks). It finishes w itself, possibly later (Defer),
	// and owns ex until it calls release, exactly once, on the loop, when
	// the response is over. nil answers 502.
	Forward func(w *ResponseWriter, r *Request, ex *helpers.Exchange, fuel uint64, release func())
	// Fallback answers requests no script decided; nil gives 404.
	Fallback Handler
	// Site is the site's own files (a site tarball): a request no script
	// answered gets its file (files.go), with the zs.response.header.*
	// metadata and hooks, instead of Fallback; zs_file_server and Caddy's
	// file_server without a root serve its Source. nil for none.
	Site *static.Site
	// Log receives script log lines (zs_log) and trap reports; nil
	// discards them. Lines are written by a goroutine of its own, so a
	// slow Log never blocks a loop.
	Log io.Writer

	once sync.Once
	logq chan string
	pool sync.Pool
}

// scriptsRequest is what Scripts pools per request: the exchange, the
// bytes its request strings are built from, and the response hooks see.
type scriptsRequest struct {
	ex      helpers.Exchange
	scratch []byte
	res     helpers.HookResponse
	gen     *generation // Reloadable's generation the request runs on, or nil
	done    func()      // Scripts.release of this sr, made once for Forward
}

// maxContinues bounds how often zs_res_continue_request may run a request
// again, so hooks cannot loop forever.
const maxContinues = 8

// logQueue is how many script log lines may wait for the writer; more are
// dropped (and counted in a line once the writer catches up).
const logQueue = 4096

func (s *Scripts) start() {
	s.once.Do(func() {
		if s.Log == nil {
			return
		}
		s.logq = make(chan string, logQueue)
		go func() {
			for line := range s.logq {
				io.WriteString(s.Log, line)
			}
		}()
	})
}

// logf queues a log line without blocking.
func (s *Scripts) logf(format string, args ...any) {
	if s.logq == nil {
		return
	}
	select {
	case s.logq <- fmt.Sprintf(format, args...):
	default:
	}
}

// ServeHTTP1 runs the chain for r.
func (s *Scripts) ServeHTTP1(w *ResponseWriter, r *Request) {
	s.serve(w, r, s.Chain, nil)
	drainUnread(w, r)
}

// serve runs chain for r. g, from Reloadable, is chain's generation: it is
// released with the request (release), after a proxied response too.
func (s *Scripts) serve(w *ResponseWriter, r *Request, chain *script.Chain, g *generation) {
	s.start()
	sr, _ := s.pool.Get().(*scriptsRequest)
	if sr == nil {
		sr = &scriptsRequest{ex: helpers.Exchange{Meta: map[string]string{}}}
		sr.ex.Log = func(name, line string) { s.logf("[user_log] %s: %s\n", name, line) }
		sr.done = func() { s.release(sr) }
	}
	sr.gen = g
	ex := &sr.ex
	kept := false // a proxied response keeps sr until it is over
	defer func() {
		if !kept {
			s.release(sr)
		}
	}()
	sr.scratch = fillRequest(&ex.Req, r, sr.scratch)
	ex.BodyLength = int64(len(r.Body()))
	ex.Body = r.Body()
	if r.c.tls != nil {
		ex.Conn = &r.c.tls.info
	}
	ex.Config = s.Config
	if s.Site != nil {
		ex.Site = s.Site.Source
	}
	fuel := s.Fuel
	if fuel == 0 {
		fuel = script.DefaultFuel
	}
	for range maxContinues + 1 {
		if err := chain.Run(ex, fuel); err != nil {
			s.logf("[script_runtime] %s %s: %v\n", r.MethodName(), r.Target(), err)
			w.WriteHeader(500)
			w.AddHeader("Content-Type", "text/plain; charset=utf-8")
			return
		}
		if e, ok := ex.ResponseEncoding(); ok {
			w.Encode(e)
		}
		w.SetAccessLog(ex.User, ex.LogSkip())
		if ex.Action == helpers.ActionAbort {
			w.Abort()
			return
		}
		if ex.Action == helpers.ActionProxy {
			kept = s.forward(w, r, sr, fuel)
			return
		}
		if ex.Action == helpers.ActionAsync {
			s.async(w, r, sr) // scripts_async.go
			kept = true
			return
		}
		if ex.Action == helpers.ActionNone && s.Site != nil {
			s.siteFile(ex) // files.go
		}
		if ex.Action == helpers.ActionFile {
			s.serveFile(w, r, ex, fuel) // files.go
			return
		}
		if ex.Action == helpers.ActionNone && s.Fallback != nil {
			s.Fallback.ServeHTTP1(w, r)
			return
		}
		res := &sr.res
		*res = helpers.HookResponse{Status: 404, Header: res.Header[:0]}
		if ex.Action == helpers.ActionRespond {
			res.Status = ex.Response.Status
			ex.ResponseHeaders(func(name, value string) { res.Header = append(res.Header, helpers.Field{Name: name, Value: value}) })
			res.Header = append(res.Header, ex.ResponseHeader...)
		}
		if len(ex.Hooks) > 0 {
			helpers.RunHooks(ex, res, fuel)
			if res.ContinueRequest {
				ex.Action, ex.Response.Status, ex.Response.Body = helpers.ActionNone, 0, ex.Response.Body[:0]
				ex.ResponseHeader, ex.Hooks = ex.ResponseHeader[:0], ex.Hooks[:0]
				continue
			}
		}
		w.WriteHeader(res.Status)
		for _, f := range res.Header {
			if asciiEqualFold(f.Name, "connection") {
				// The server owns framing: "Connection: close" (Caddy's
				// static_response close) closes after this response.
				if http1.HasToken([]byte(f.Value), "close") {
					w.CloseAfter()
				}
				continue
			}
			w.AddHeader(f.Name, f.Value)
		}
		if ex.Action == helpers.ActionRespond {
			w.Write(ex.Response.Body)
		}
		return
	}
	s.logf("[script_runtime] %s %s: zs_res_continue_request ran the request %d times; giving up\n", r.MethodName(), r.Target(), maxContinues+1)
	w.WriteHeader(500)
}

// forward hands a proxied request (zs_reverse_proxy, Caddy's
// reverse_proxy) to Forward, which applies the chain's response edits
// (hooks, response header metadata and ops) to the upstream's response
// and keeps sr until the response is over. It reports whether Forward
// took sr.
//
// Response hooks of a proxied response run after ServeHTTP1 returned, on
// the loop, in the programs of ex.Caller (the chain): that chain must stay
// loaded until release runs. A server that swaps chains (hot reload) must
// hold its reference to the request's chain until then, not only until
// ServeHTTP1 returns.
func (s *Scripts) forward(w *ResponseWriter, r *Request, sr *scriptsRequest, fuel uint64) bool {
	if s.Forward == nil {
		s.logf("[script_runtime] %s %s: zs_reverse_proxy: this server has no proxy\n", r.MethodName(), r.Target())
		w.WriteHeader(502)
		return false
	}
	s.Forward(w, r, &sr.ex, fuel, sr.done)
	return true
}

// release recycles sr once its request is over.
func (s *Scripts) release(sr *scriptsRequest) {
	if sr.gen != nil {
		sr.gen.release()
		sr.gen = nil
	}
	sr.ex.Reset()
	sr.res = helpers.HookResponse{Header: sr.res.Header[:0]}
	s.pool.Put(sr)
}

// fillRequest copies what scripts see of r into req. The strings share
// one allocation: they are laid out in scratch (returned, to be reused)
// and converted to a string once, then sliced.
func fillRequest(req *helpers.Request, r *Request, scratch []byte) []byte {
	b := append(scratch[:0], r.MethodName()...)
	method := len(b)
	if raw := r.RawPath(); bytes.IndexByte(raw, '%') < 0 {
		// Without escapes the clean path is the normalised one the server
		// made of it ("*" for OPTIONS *).
		b = append(b, r.Path()...)
	} else if clean, err := http1.CleanPath(b, raw); err == nil {
		b = clean
	} else {
		b = append(b, r.Path()...)
	}
	path := len(b)
	b = append(b, r.Query()...)
	query := len(b)
	b = r.RemoteAddr().AppendTo(b)
	peer := len(b)
	h := r.Header()
	// With an absolute-form target the host is the target's authority,
	// whatever the Host field says (RFC 9112 §3.2.2), as net/http and so
	// Caddy read it.
	abs := r.head.Form() == http1.FormAbsolute
	value := func(i int) []byte {
		if abs && bytes.EqualFold(h.Name(i), hostField) {
			return r.Host()
		}
		return h.Value(i)
	}
	for i := range h.Len() {
		b = append(b, h.Name(i)...)
		b = append(b, value(i)...)
	}
	all := string(b)
	req.Method, req.Path, req.RawQuery, req.Peer = all[:method], all[method:path], all[path:query], all[query:peer]
	req.ForceQuery = path == query && bytes.IndexByte(r.Target(), '?') >= 0
	at := peer
	for i := range h.Len() {
		n, v := len(h.Name(i)), len(value(i))
		req.Header = append(req.Header, helpers.Field{Name: all[at : at+n], Value: all[at+n : at+n+v]})
		at += n + v
	}
	req.Scheme = "http"
	if r.TLS() {
		req.Scheme = "https"
	}
	req.TLS = r.TLS()
	req.BodyStreamed = r.BodyStreamed()
	req.ProtoMajor, req.ProtoMinor = 1, r.ProtoMinor()
	return b
}

var hostField = []byte("Host")

var _ Handler = (*Scripts)(nil)
