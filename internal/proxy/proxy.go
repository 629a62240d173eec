package proxy

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// Config configures a Proxy. Zero fields take the defaults documented on
// each field.
type Config struct {
	// Upstream is the upstream URL ServeHTTP1 forwards to, see
	// ParseUpstream; empty for a proxy used only through Forward (the
	// script layer's zs_reverse_proxy, whose URL each request chooses).
	Upstream string
	// DialTimeout bounds connecting to the upstream; beyond it the client
	// gets 504. Default 10s.
	DialTimeout time.Duration
	// ReadTimeout bounds the wait for the next byte of the upstream's
	// response once the request is sent; beyond it the client gets 504.
	// Default 60s.
	ReadTimeout time.Duration
	// IdleTimeout is how long a pooled connection may stay idle before the
	// proxy closes it. Default 30s.
	IdleTimeout time.Duration
	// MaxIdleConns bounds the idle connections pooled per event loop.
	// Default 64.
	MaxIdleConns int
	// DisableKeepAlive closes every upstream connection after its
	// response instead of pooling it (Caddy's keepalive off).
	DisableKeepAlive bool
	// BufferRequestBytes: a request body whose Content-Length is at most
	// this is received whole before the upstream request is sent (so it
	// can be sent again on a retry); larger and chunked bodies are streamed
	// to the upstream as they arrive. Default 64 KiB.
	BufferRequestBytes int64
	// BufferResponseBytes: a response whose Content-Length is at most this
	// is received whole and sent with its head in one piece (and a failure
	// before its end is still a clean 502); larger, chunked and
	// close-delimited bodies are streamed to the client as they arrive.
	// Default 64 KiB.
	BufferResponseBytes int64
	// TLS configures connections to https upstreams (roots, client
	// certificates); nil means the system roots. ServerName defaults to
	// the upstream's host.
	TLS *tls.Config
	// Limits bounds upstream response heads (http1 defaults for zero
	// fields); its MaxBodyBytes is ignored (see MaxResponseBytes).
	Limits http1.Limits
}

// Proxy is a server.Handler forwarding every request to its upstream, and
// forwards requests to any upstream with Forward. Create it with New; it
// is safe for use by every worker at once.
type Proxy struct {
	cfg   Config
	up    *Upstream // nil without Config.Upstream
	pools sync.Map  // poolKey -> *pool
	free  sync.Map  // *loop.Loop -> *[]*exchange, spares shared by its pools

	dials, reuses, retries, pauses atomic.Uint64
}

// Stats counts upstream connection use since the proxy was created.
type Stats struct {
	// Dials is the number of upstream connections opened.
	Dials uint64
	// Reuses is the number of requests sent on a pooled connection.
	Reuses uint64
	// Retries is the number of requests sent again on a new connection
	// after a pooled one failed before any response byte.
	Retries uint64
	// Pauses is the number of times reading a streamed body stopped
	// because the other side was not taking it fast enough (a response
	// the client does not read, an upload the upstream does not read).
	Pauses uint64
}

// poolKey names one loop's pool for one upstream address.
type poolKey struct {
	lp   *loop.Loop
	addr netip.AddrPort
	unix string
	tls  bool
	name string // the TLS server name
}

// New parses cfg.Upstream, if set, resolves its host name if it is not an
// IP literal (once, here: the event loop never blocks on DNS) and returns
// the proxy.
func New(cfg Config) (*Proxy, error) {
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"DialTimeout", &cfg.DialTimeout, 10 * time.Second}, {"ReadTimeout", &cfg.ReadTimeout, 60 * time.Second}, {"IdleTimeout", &cfg.IdleTimeout, 30 * time.Second}} {
		if *d.v < 0 {
			return nil, fmt.Errorf("proxy: negative %s %v", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.MaxIdleConns < 0 || cfg.BufferResponseBytes < 0 || cfg.BufferRequestBytes < 0 {
		return nil, fmt.Errorf("proxy: negative MaxIdleConns, BufferRequestBytes or BufferResponseBytes")
	}
	if cfg.BufferRequestBytes == 0 {
		cfg.BufferRequestBytes = 64 << 10
	}
	if cfg.MaxIdleConns == 0 {
		cfg.MaxIdleConns = 64
	}
	if cfg.BufferResponseBytes == 0 {
		cfg.BufferResponseBytes = 64 << 10
	}
	p := &Proxy{cfg: cfg}
	if cfg.Upstream == "" {
		return p, nil
	}
	up, err := ParseUpstream(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.DialTimeout)
	defer cancel()
	if err := up.resolve(ctx); err != nil {
		return nil, fmt.Errorf("proxy: resolve upstream %s: %w", up.Host, err)
	}
	p.up = up
	return p, nil
}

// Upstream returns the parsed Config.Upstream, or nil.
func (p *Proxy) Upstream() *Upstream { return p.up }

// Stats returns the connection counters.
func (p *Proxy) Stats() Stats {
	return Stats{Dials: p.dials.Load(), Reuses: p.reuses.Load(), Retries: p.retries.Load(), Pauses: p.pauses.Load()}
}

// ServeHTTP1 forwards r to Config.Upstream (see Forward); without one it
// answers 500.
func (p *Proxy) ServeHTTP1(w *server.ResponseWriter, r *server.Request) {
	if p.up == nil {
		w.WriteHeader(500)
		w.AddHeader("Content-Type", "text/plain; charset=utf-8")
		w.WriteString("500 Internal Server Error: proxy has no upstream\n")
		return
	}
	p.forward(w, r, p.up, nil, streamedBody(r, p.cfg.BufferRequestBytes))
}

// StreamsBody reports whether ServeHTTP1 takes r's body as it arrives
// (server.BodyStreamer): chunked bodies and those above
// Config.BufferRequestBytes.
func (p *Proxy) StreamsBody(r *server.Request) bool {
	return p.up != nil && streamedBody(r, p.cfg.BufferRequestBytes) != noStream
}

// Forward forwards r to u and finishes w, later, with the upstream's
// response (or 502/504). u must not change while in use; an unresolved
// u.Addr (a host name ParseUpstream could not resolve without blocking)
// is answered 502. Call it from a Handler, on the request's loop.
//
// out, when not nil, is the request to send instead of the client's (the
// script layer's changed request); the body is still the client's, sent
// as it arrives when the server streams it (server.Request.BodyStreamed).
func (p *Proxy) Forward(w *server.ResponseWriter, r *server.Request, u *Upstream, out *Outgoing) {
	p.forward(w, r, u, out, serverStream(r))
}

// Outgoing is a request as a script changed it, forwarded by Forward in
// place of the client's: the rewriting rules (base path and query merge,
// hop-by-hop fields dropped, X-Forwarded-* added when missing, Cookie
// joined) apply to it as to the client's request.
type Outgoing struct {
	// Method is the request method.
	Method string
	// Path is the request path, percent-encoded as on the wire; it is
	// cleaned (http1.CleanPath) and appended to the upstream's base path.
	Path string
	// RawQuery is the query without '?', merged with the upstream's.
	RawQuery string
	// Header lists every header field to send, in order; the Host field
	// gives Host (the client's when absent). Invalid names or values make
	// Forward answer 500. It is read while Forward (or Trip.Request's
	// caller) runs, not kept.
	Header []HeaderField
	// Forwarded says Header already holds the X-Forwarded-For, -Proto and
	// -Host fields to send (Caddy's reverse_proxy sets them, and header_up
	// may delete them): none is added.
	Forwarded bool
	// MaxBodyBytes, when > 0, bounds a streamed request body (Caddy's
	// request_body max_size): past it the upstream request is cut and the
	// client gets 413, or its response is cut short if its head was sent.
	MaxBodyBytes int64
}

// viewOf fills v from o, for r; Host comes from o's fields or r. v
// shares o's strings (readBytes): it is used before o can change.
func (o *Outgoing) viewOf(v *view, r *server.Request) {
	*v = view{method: readBytes(o.Method), host: r.Host(), path: readBytes(o.Path), fields: v.fields[:0], ownXF: o.Forwarded}
	if o.RawQuery != "" {
		v.query = readBytes(o.RawQuery)
	}
	for _, f := range o.Header {
		v.fields = append(v.fields, field{readBytes(f.Name), readBytes(f.Value)})
	}
	if h := v.get("host"); h != nil {
		v.host = h
	}
}

// forward is Forward, with the request body streamed as stream says (see
// appendRequest) when the server streams it to ServeHTTP1.
func (p *Proxy) forward(w *server.ResponseWriter, r *server.Request, u *Upstream, out *Outgoing, stream int64) {
	if !u.Addr.IsValid() && u.Unix == "" {
		w.WriteHeader(502)
		w.AddHeader("Content-Type", "text/plain; charset=utf-8")
		w.WriteString("502 Bad Gateway: upstream host name not resolved (use an IP literal, localhost, or proxy.New)\n")
		return
	}
	pl := p.pool(r.Loop(), u)
	x := pl.getExchange()
	var err error
	status := 400 // the client's request cannot be forwarded as is
	x.maxBody = 0
	if out != nil {
		out.viewOf(&x.view, r)
		x.maxBody = out.MaxBodyBytes
		status = 500 // a script's changes are invalid
	} else {
		viewOf(&x.view, r)
	}
	x.req, x.target, err = appendRequest(x.req[:0], x.target, &x.view, r, u, stream)
	if err != nil {
		pl.putExchange(x)
		w.WriteHeader(status)
		w.AddHeader("Content-Type", "text/plain; charset=utf-8")
		w.WriteString(itoa(status) + " " + http1.StatusText(status) + ": " + err.Error() + "\n")
		return
	}
	x.start(w.Defer(), r, stream, monoNow())
}

// pool returns lp's connection pool for u, creating it on first use.
func (p *Proxy) pool(lp *loop.Loop, u *Upstream) *pool {
	k := poolKey{lp: lp, addr: u.Addr, unix: u.Unix}
	if u.TLS {
		k.tls, k.name = true, u.Host
	}
	if v, ok := p.pools.Load(k); ok {
		return v.(*pool)
	}
	free, _ := p.free.LoadOrStore(lp, new([]*exchange))
	pl := &pool{p: p, lp: lp, addr: u.Addr, unix: u.Unix, free: free.(*[]*exchange)}
	if u.TLS {
		pl.tls = &tls.Config{}
		if p.cfg.TLS != nil {
			pl.tls = p.cfg.TLS.Clone()
		}
		if pl.tls.ServerName == "" {
			pl.tls.ServerName = u.Host
		}
	}
	v, _ := p.pools.LoadOrStore(k, pl)
	return v.(*pool)
}

// Interface guards.
var (
	_ server.Handler      = (*Proxy)(nil)
	_ server.BodyStreamer = (*Proxy)(nil)
)
