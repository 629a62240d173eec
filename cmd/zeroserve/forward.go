package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/proxy"
	"github.com/zeroserve/zeroserve/internal/server"
)

// maxCachedUpstreams bounds the parsed upstream URLs kept for reuse; past
// it, URLs are parsed per request.
const maxCachedUpstreams = 1024

// forwarder bridges the script layer's proxy decisions to the proxy
// engine: zs_reverse_proxy's URL through one process-wide proxy (its
// connection pools are per event loop), Caddy's reverse_proxy through a
// Balancer made once per handler configuration.
type forwarder struct {
	p      *proxy.Proxy
	cache  sync.Map // URL -> *scriptUpstream
	cached atomic.Int64
}

// scriptUpstream is a zs_reverse_proxy URL, parsed, and the one-backend
// balancer used when the response has edits to apply.
type scriptUpstream struct {
	u    *proxy.Upstream
	once sync.Once
	b    *proxy.Balancer
	err  error
}

// caddyEngine is the proxy engine's state for one reverse_proxy handler.
type caddyEngine struct {
	p *proxy.Proxy
	b *proxy.Balancer
}

// newForwarder returns the server.Scripts Forward function.
func newForwarder() (func(w *server.ResponseWriter, r *server.Request, ex *helpers.Exchange, fuel uint64, release func()), error) {
	p, err := proxy.New(proxy.Config{})
	if err != nil {
		return nil, err
	}
	f := &forwarder{p: p}
	return f.forward, nil
}

func (f *forwarder) forward(w *server.ResponseWriter, r *server.Request, ex *helpers.Exchange, fuel uint64, release func()) {
	if ex.Proxy != nil {
		f.caddy(w, r, ex, fuel, release)
		return
	}
	su, err := f.upstream(ex.Upstream)
	if err != nil {
		release()
		failText(w, 502, "zs_reverse_proxy: "+err.Error())
		return
	}
	if !ex.HasResponseEdits() {
		buf, _ := fieldBufs.Get().(*[]proxy.HeaderField)
		if buf == nil {
			buf = new([]proxy.HeaderField)
		}
		out := proxy.Outgoing{
			Method:       ex.Req.Method,
			Path:         ex.Req.Path,
			RawQuery:     ex.Req.RawQuery,
			Header:       proxyFields((*buf)[:0], ex.Req.Header),
			MaxBodyBytes: ex.Req.MaxBodyBytes,
		}
		f.p.Forward(w, r, su.u, &out)
		clear(out.Header)
		*buf = out.Header[:0]
		fieldBufs.Put(buf)
		release() // Forward copied the request
		return
	}
	su.once.Do(func() {
		su.b, su.err = proxy.NewBalancer(proxy.BalancerConfig{
			Backends: []proxy.BackendConfig{{Dial: su.u.HostPort(), URL: ex.Upstream}},
			Policy:   proxy.FirstPolicy{},
		})
	})
	if su.err != nil {
		release()
		failText(w, 502, "zs_reverse_proxy: "+su.err.Error())
		return
	}
	f.p.Balance(w, r, su.b, trip(ex, fuel, release))
}

// upstream returns the parsed URL, from the cache when possible.
func (f *forwarder) upstream(raw string) (*scriptUpstream, error) {
	if v, ok := f.cache.Load(raw); ok {
		return v.(*scriptUpstream), nil
	}
	u, err := proxy.ParseUpstream(raw)
	if err != nil {
		return nil, err
	}
	su := &scriptUpstream{u: u}
	if f.cached.Add(1) <= maxCachedUpstreams {
		v, _ := f.cache.LoadOrStore(raw, su)
		su = v.(*scriptUpstream)
	}
	return su, nil
}

// caddy forwards through the reverse_proxy handler's balancer.
func (f *forwarder) caddy(w *server.ResponseWriter, r *server.Request, ex *helpers.Exchange, fuel uint64, release func()) {
	v, err := ex.Proxy.Engine(func(rp *helpers.CaddyReverseProxy) (any, error) { return f.newCaddyEngine(rp) })
	if err != nil {
		release()
		failText(w, 502, "reverse_proxy: "+err.Error())
		return
	}
	e := v.(*caddyEngine)
	e.p.Balance(w, r, e.b, trip(ex, fuel, release))
}

// trips recycles the caddyTrips of forwarded requests.
var trips sync.Pool

// fieldBufs recycles the header fields of zs_reverse_proxy requests
// (*[]proxy.HeaderField), read by Forward before it returns.
var fieldBufs sync.Pool

// caddyTrip is the proxy.Trip of one request and the state its functions
// use, made once with its func values and recycled when the trip is done.
type caddyTrip struct {
	t       proxy.Trip
	ex      *helpers.Exchange
	fuel    uint64
	release func()
	k       *proxy.Backend        // the backend of the try being prepared
	up      helpers.ProxyUpstream // a backend, for placeholders
	out     proxy.Outgoing
	fields  []helpers.Field // Head's upstream fields

	// upFn, retryFn and headFn are upstream, retrySent and head as func
	// values, made once.
	upFn    func() *helpers.ProxyUpstream
	retryFn func() bool
	headFn  func(*proxy.Head)
}

// trip returns the proxy.Trip of ex: its request with header_up per
// backend, the chain's response edits, and release when it is over.
func trip(ex *helpers.Exchange, fuel uint64, release func()) *proxy.Trip {
	ct, _ := trips.Get().(*caddyTrip)
	if ct == nil {
		ct = &caddyTrip{}
		ct.t.Selection.Header, ct.t.Selection.Cookie = ct.header, ct.cookie
		ct.t.Request, ct.t.Done = ct.request, ct.done
		ct.upFn, ct.retryFn, ct.headFn = ct.upstream, ct.retrySent, ct.head
	}
	ct.ex, ct.fuel, ct.release = ex, fuel, release
	host, _ := ex.Req.Get("Host")
	s := &ct.t.Selection
	s.RemoteIP, s.ClientIP, s.URI, s.Host, s.TLS, s.SetCookie = ex.Req.Peer, ex.ClientIP(), ex.Req.URI(), host, ex.Req.TLS, ""
	ct.t.RetrySent, ct.t.Head = nil, nil
	if _, ok := ex.ProxyRetryMatch(); ok {
		ct.t.RetrySent = ct.retryFn
	}
	if ex.ProxyResponseEdits() {
		ct.t.Head = ct.headFn // else the upstream's head is relayed as it is
	}
	return &ct.t
}

// header is Selection.Header: the first value of the request's field.
func (ct *caddyTrip) header(name string) string {
	for _, f := range ct.ex.Req.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// cookie is Selection.Cookie.
func (ct *caddyTrip) cookie(name string) (string, bool) {
	for _, f := range ct.ex.Req.Header {
		if !strings.EqualFold(f.Name, "Cookie") {
			continue
		}
		cs, _ := http.ParseCookie(f.Value)
		for _, c := range cs {
			if c.Name == name {
				return c.Value, true
			}
		}
	}
	return "", false
}

// retrySent is Trip.RetrySent: lb_retry_match.
func (ct *caddyTrip) retrySent() bool {
	m, _ := ct.ex.ProxyRetryMatch()
	return m
}

// request is Trip.Request: the request as the chain left it, with
// header_up for k.
func (ct *caddyTrip) request(k *proxy.Backend) *proxy.Outgoing {
	ex := ct.ex
	ct.k = k
	h := ex.ProxyRequestHeader(ct.upFn)
	ct.out = proxy.Outgoing{
		Method:       ex.Req.Method,
		Path:         ex.Req.Path,
		RawQuery:     ex.Req.RawQuery,
		Header:       proxyFields(ct.out.Header[:0], h),
		Forwarded:    ex.Proxy != nil, // the handler set X-Forwarded-* (forwardedHeaders)
		MaxBodyBytes: ex.Req.MaxBodyBytes,
	}
	return &ct.out
}

// upstream describes the backend of the try for the
// {http.reverse_proxy.upstream.*} placeholders, when they are needed.
func (ct *caddyTrip) upstream() *helpers.ProxyUpstream {
	return upstreamOf(&ct.up, ct.k)
}

// head is Trip.Head: the chain's response edits.
func (ct *caddyTrip) head(h *proxy.Head) {
	ex := ct.ex
	ct.fields = ct.fields[:0]
	for _, f := range h.Header {
		ct.fields = append(ct.fields, helpers.Field{Name: f.Name, Value: f.Value})
	}
	res, err := ex.ProxiedResponse(h.Status, ct.fields, upstreamOf(&ct.up, h.Backend), h.Failed, ct.fuel)
	if err != nil {
		if ex.Log != nil {
			ex.Log("proxy", err.Error())
		}
		h.Status, h.Header = 500, h.Header[:0]
		return
	}
	h.Status, h.Header = res.Status, h.Header[:0]
	for _, f := range res.Header {
		if framing(f.Name) {
			continue // the server frames the response
		}
		h.Header = append(h.Header, proxy.HeaderField{Name: f.Name, Value: f.Value})
	}
}

// framing reports whether name is a field the server sets itself.
func framing(name string) bool {
	for _, f := range [...]string{"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"} {
		if strings.EqualFold(name, f) {
			return true
		}
	}
	return false
}

// done is Trip.Done: the exchange is released and the trip recycled.
func (ct *caddyTrip) done() {
	release := ct.release
	clear(ct.out.Header)
	clear(ct.fields)
	ct.ex, ct.release, ct.k, ct.out = nil, nil, nil, proxy.Outgoing{Header: ct.out.Header[:0]}
	trips.Put(ct)
	release()
}

// upstreamOf fills u with k for the {http.reverse_proxy.upstream.*}
// placeholders and returns it (nil for no backend).
func upstreamOf(u *helpers.ProxyUpstream, k *proxy.Backend) *helpers.ProxyUpstream {
	if k == nil {
		return nil
	}
	*u = helpers.ProxyUpstream{Dial: k.Dial, Requests: k.Requests(), MaxRequests: k.MaxRequests, Fails: k.Fails()}
	return u
}

// proxyFields appends the fields h to dst as the proxy's.
func proxyFields(dst []proxy.HeaderField, h []helpers.Field) []proxy.HeaderField {
	for _, f := range h {
		dst = append(dst, proxy.HeaderField{Name: f.Name, Value: f.Value})
	}
	return dst
}

// failText answers status with a text body naming the reason.
func failText(w *server.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	w.AddHeader("Content-Type", "text/plain; charset=utf-8")
	w.WriteString(fmt.Sprintf("%d %s: %s\n", status, http.StatusText(status), msg))
}

// newCaddyEngine makes the proxy (its own when the handler has a
// transport block) and the balancer of a reverse_proxy handler. The
// balancer's health checks stop when the handler's configuration (its
// program) is garbage.
func (f *forwarder) newCaddyEngine(rp *helpers.CaddyReverseProxy) (*caddyEngine, error) {
	e := &caddyEngine{p: f.p}
	scheme := "http://"
	var tlsCfg *tls.Config
	if t := rp.Transport; t != nil {
		cfg := proxy.Config{
			DialTimeout: t.DialTimeout,
			ReadTimeout: t.ReadTimeout,
			IdleTimeout: t.IdleTimeout,
		}
		if cfg.ReadTimeout == 0 {
			cfg.ReadTimeout = t.ResponseHeaderTimeout
		}
		cfg.MaxIdleConns = t.MaxIdleConnsPerHost
		cfg.DisableKeepAlive = t.KeepAliveOff
		if t.TLS != nil {
			scheme = "https://"
			var err error
			if tlsCfg, err = upstreamTLS(t.TLS); err != nil {
				return nil, err
			}
			cfg.TLS = tlsCfg
		}
		p, err := proxy.New(cfg)
		if err != nil {
			return nil, err
		}
		e.p = p
	}
	bc := proxy.BalancerConfig{
		Retries:     rp.Retries,
		TryDuration: rp.TryDuration,
		TryInterval: rp.TryInterval,
	}
	for _, u := range rp.Upstreams {
		url := scheme + u.Dial
		if strings.HasPrefix(u.Dial, "unix/") {
			if tlsCfg != nil {
				return nil, fmt.Errorf("upstream %s: TLS to a Unix socket upstream is not supported", u.Dial)
			}
			url = u.Dial // proxy.ParseUpstream spells Unix sockets as Caddy does
		}
		bc.Backends = append(bc.Backends, proxy.BackendConfig{Dial: u.Dial, URL: url, MaxRequests: u.MaxRequests})
	}
	if rp.Policy != nil {
		bc.Policy = policyOf(rp.Policy)
	}
	if ph := rp.Passive; ph != nil {
		bc.Passive = proxy.PassiveHealth{
			FailDuration:          time.Duration(ph.FailDuration),
			MaxFails:              ph.MaxFails,
			UnhealthyStatus:       ph.UnhealthyStatus,
			UnhealthyLatency:      time.Duration(ph.UnhealthyLatency),
			UnhealthyRequestCount: ph.UnhealthyRequestCount,
		}
	}
	if a := rp.Active; a != nil {
		ah := &proxy.ActiveHealth{
			URI: a.URI, Port: a.Port, Upstream: a.Upstream, Method: a.Method, Body: a.Body,
			Headers: a.Headers, FollowRedirects: a.FollowRedirects, Interval: a.Interval,
			Timeout: a.Timeout, Passes: a.Passes, Fails: a.Fails, MaxSize: a.MaxSize,
			ExpectStatus: a.ExpectStatus, TLS: tlsCfg,
		}
		if a.ExpectBody != "" {
			re, err := regexp.Compile(a.ExpectBody)
			if err != nil {
				return nil, err
			}
			ah.ExpectBody = re
		}
		bc.Active = ah
	}
	b, err := proxy.NewBalancer(bc)
	if err != nil {
		return nil, err
	}
	e.b = b
	runtime.AddCleanup(rp, func(b *proxy.Balancer) { b.Close() }, b)
	return e, nil
}

// policyOf converts a selection policy (the helpers checked its name and
// options).
func policyOf(p *helpers.CaddyLBPolicy) proxy.Policy {
	fallback := func() proxy.Policy {
		if p.Fallback == nil {
			return proxy.RandomPolicy{}
		}
		return policyOf(p.Fallback)
	}
	switch p.Name {
	case "round_robin":
		return &proxy.RoundRobinPolicy{}
	case "weighted_round_robin":
		return &proxy.WeightedRoundRobinPolicy{Weights: p.Weights}
	case "least_conn":
		return proxy.LeastConnPolicy{}
	case "first":
		return proxy.FirstPolicy{}
	case "ip_hash":
		return proxy.IPHashPolicy{}
	case "client_ip_hash":
		return proxy.ClientIPHashPolicy{}
	case "uri_hash":
		return proxy.URIHashPolicy{}
	case "random_choose":
		return proxy.RandomChoosePolicy{Choose: p.Choose}
	case "query":
		return proxy.QueryPolicy{Key: p.Key, Fallback: fallback()}
	case "header":
		return proxy.HeaderPolicy{Field: p.Field, Fallback: fallback()}
	case "cookie":
		name := p.Cookie
		if name == "" {
			name = "lb"
		}
		return proxy.CookiePolicy{Name: name, Secret: p.Secret, MaxAge: p.MaxAge, Fallback: fallback()}
	}
	return proxy.RandomPolicy{}
}

// upstreamTLS is the TLS configuration for https upstreams.
func upstreamTLS(t *helpers.CaddyProxyTLS) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: t.InsecureSkipVerify, ServerName: t.ServerName}
	pems := append([]string(nil), t.RootCAPEM...)
	for _, file := range t.RootCAPEMFiles {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("tls root_ca_pem_files: %v", err)
		}
		pems = append(pems, string(b))
	}
	if len(pems) > 0 {
		cfg.RootCAs = x509.NewCertPool()
		for _, p := range pems {
			if !cfg.RootCAs.AppendCertsFromPEM([]byte(p)) {
				return nil, fmt.Errorf("tls: no PEM certificate in a root CA")
			}
		}
	}
	return cfg, nil
}

// StreamsBody passes the site's body streaming (server.BodyStreamer) through
// the ACME challenge wrapper, so that proxied uploads on a plain HTTP
// listener of `zeroserve run` stream as with --caddy.
func (h *acmeHTTP) StreamsBody(r *server.Request) bool {
	bs, ok := h.Handler.(server.BodyStreamer)
	return ok && bs.StreamsBody(r)
}
