package helpers

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// CaddyReverseProxy configures Caddy's reverse_proxy as the compiler
// converts it (compile/handler_proxy.go, which rejects what is not here):
// static upstreams, a selection policy, retries, health checks,
// header_up/header_down, trusted proxies and the http transport's
// timeouts, keep-alive and TLS. The handler only decides: the server's
// Forward runs the proxy engine with it (ex.Proxy), keeping the Exchange
// until the response is over.
type CaddyReverseProxy struct {
	// Upstreams are the backends, in order.
	Upstreams []CaddyUpstream `json:"upstreams"`
	// Policy is the selection policy; nil is random.
	Policy *CaddyLBPolicy `json:"policy,omitempty"`
	// Retries, TryDuration and TryInterval are lb_retries,
	// lb_try_duration and lb_try_interval.
	Retries     int           `json:"retries,omitempty"`
	TryDuration time.Duration `json:"try_duration,omitempty"`
	TryInterval time.Duration `json:"try_interval,omitempty"`
	// Passive and Active are the health checks.
	Passive *caddyconf.PassiveHealthChecks `json:"passive,omitempty"`
	Active  *CaddyActiveHealth             `json:"active,omitempty"`
	// HeaderUp edits the request sent upstream (per try, so that
	// {http.reverse_proxy.upstream.*} names the backend tried).
	HeaderUp *caddyconf.HeaderOps `json:"header_up,omitempty"`
	// HeaderDown edits the upstream's response header (require: only
	// matching responses), before it is relayed.
	HeaderDown *caddyconf.RespHeaderOps `json:"header_down,omitempty"`
	// TrustedProxies are ranges whose X-Forwarded-* are kept (appended
	// to), as the server's own trusted proxies are.
	TrustedProxies []string `json:"trusted_proxies,omitempty"`
	// Transport tunes the connections to upstreams.
	Transport *CaddyProxyTransport `json:"transport,omitempty"`
	// RetryMatch are lb_retry_match's matcher sets (zs_caddy_match's
	// JSON): a request that may have reached an upstream is tried again
	// only if one matches.
	RetryMatch []json.RawMessage `json:"retry_match,omitempty"`

	up         *headerOps
	down       *respHeaderOps
	trusted    []netip.Prefix
	retryMatch []*matchSet

	engineOnce sync.Once
	engine     any
	engineErr  error
}

// CaddyUpstream is one static upstream.
type CaddyUpstream struct {
	// Dial is "host:port".
	Dial string `json:"dial"`
	// MaxRequests caps its requests in flight (0: no cap).
	MaxRequests int `json:"max_requests,omitempty"`
}

// CaddyLBPolicy is a selection policy: Name is Caddy's policy name; the
// other fields are the options of the policies that have them.
type CaddyLBPolicy struct {
	Name     string         `json:"name"`
	Key      string         `json:"key,omitempty"`      // query
	Field    string         `json:"field,omitempty"`    // header
	Cookie   string         `json:"cookie,omitempty"`   // cookie: its name
	Secret   string         `json:"secret,omitempty"`   // cookie
	MaxAge   time.Duration  `json:"max_age,omitempty"`  // cookie
	Choose   int            `json:"choose,omitempty"`   // random_choose
	Weights  []int          `json:"weights,omitempty"`  // weighted_round_robin
	Fallback *CaddyLBPolicy `json:"fallback,omitempty"` // query, header, cookie
}

// CaddyActiveHealth is Caddy's active health checks (URI covers the
// deprecated path).
type CaddyActiveHealth struct {
	URI             string              `json:"uri,omitempty"`
	Port            int                 `json:"port,omitempty"`
	Upstream        string              `json:"upstream,omitempty"`
	Method          string              `json:"method,omitempty"`
	Body            string              `json:"body,omitempty"`
	Headers         map[string][]string `json:"headers,omitempty"`
	FollowRedirects bool                `json:"follow_redirects,omitempty"`
	Interval        time.Duration       `json:"interval,omitempty"`
	Timeout         time.Duration       `json:"timeout,omitempty"`
	Passes          int                 `json:"passes,omitempty"`
	Fails           int                 `json:"fails,omitempty"`
	MaxSize         int64               `json:"max_size,omitempty"`
	ExpectStatus    int                 `json:"expect_status,omitempty"`
	ExpectBody      string              `json:"expect_body,omitempty"`
}

// CaddyProxyTransport is the part of Caddy's http transport zeroserve
// runs (HTTP/1.1 only).
type CaddyProxyTransport struct {
	DialTimeout           time.Duration `json:"dial_timeout,omitempty"`
	ResponseHeaderTimeout time.Duration `json:"response_header_timeout,omitempty"`
	ReadTimeout           time.Duration `json:"read_timeout,omitempty"`
	// KeepAliveOff closes upstream connections after each response.
	KeepAliveOff        bool          `json:"keep_alive_off,omitempty"`
	IdleTimeout         time.Duration `json:"idle_timeout,omitempty"`
	MaxIdleConnsPerHost int           `json:"max_idle_conns_per_host,omitempty"`
	// TLS enables https to the upstreams.
	TLS *CaddyProxyTLS `json:"tls,omitempty"`
}

// CaddyProxyTLS is TLS to upstreams.
type CaddyProxyTLS struct {
	InsecureSkipVerify bool     `json:"insecure_skip_verify,omitempty"`
	ServerName         string   `json:"server_name,omitempty"`
	RootCAPEMFiles     []string `json:"root_ca_pem_files,omitempty"`
	// RootCAPEM are PEM roots given inline (Caddy's ca "inline").
	RootCAPEM []string `json:"root_ca_pem,omitempty"`
}

func init() {
	registerCaddyHandler("reverse_proxy", configOf(newCaddyReverseProxy))
}

// UnixDial reports whether dial is a Unix socket upstream as Caddy spells
// it, "unix/" and the socket's path ("unix//run/app.sock", "unix/@name"
// for an abstract socket) of at most 107 bytes (sockaddr_un);
// placeholders, a "|perm" suffix and control bytes are not accepted.
func UnixDial(dial string) bool {
	path, ok := strings.CutPrefix(dial, "unix/")
	if !ok || path == "" || path == "@" || len(path) > 107 || strings.ContainsAny(path, "{}|") {
		return false
	}
	for i := range len(path) {
		if path[i] < 0x20 || path[i] == 0x7f {
			return false
		}
	}
	return true
}

func newCaddyReverseProxy(rp *CaddyReverseProxy) (caddyRunner, error) {
	if len(rp.Upstreams) == 0 {
		return nil, fmt.Errorf("reverse_proxy without upstreams")
	}
	for _, u := range rp.Upstreams {
		if UnixDial(u.Dial) {
			continue
		}
		if _, port, err := net.SplitHostPort(u.Dial); err != nil || port == "" {
			return nil, fmt.Errorf("reverse_proxy upstream %q: want host:port or unix//path", u.Dial)
		}
	}
	for p := rp.Policy; p != nil; p = p.Fallback {
		if !validPolicy(p) {
			return nil, fmt.Errorf("reverse_proxy: selection policy %q is not supported or lacks its option", p.Name)
		}
	}
	if a := rp.Active; a != nil && a.ExpectBody != "" {
		if _, err := regexp.Compile(a.ExpectBody); err != nil {
			return nil, fmt.Errorf("reverse_proxy: expect_body: %v", err)
		}
	}
	var err error
	if rp.up, err = newHeaderOps(rp.HeaderUp); err != nil {
		return nil, fmt.Errorf("reverse_proxy header_up: %v", err)
	}
	if d := rp.HeaderDown; d != nil {
		if d.Deferred {
			return nil, fmt.Errorf("reverse_proxy header_down: deferred is not a reverse_proxy option")
		}
		ops, err := newHeaderOps(&d.HeaderOps)
		if err != nil {
			return nil, fmt.Errorf("reverse_proxy header_down: %v", err)
		}
		rp.down = &respHeaderOps{ops: ops, require: d.Require}
	}
	for i, b := range rp.RetryMatch {
		ms, err := parseMatchSet(b)
		if err != nil {
			return nil, fmt.Errorf("reverse_proxy retry_match[%d]: %v", i, err)
		}
		rp.retryMatch = append(rp.retryMatch, ms)
	}
	for _, s := range rp.TrustedProxies {
		p, err := parseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("reverse_proxy trusted_proxies: %v", err)
		}
		rp.trusted = append(rp.trusted, p)
	}
	return rp, nil
}

func validPolicy(p *CaddyLBPolicy) bool {
	switch p.Name {
	case "random", "round_robin", "least_conn", "first", "ip_hash", "client_ip_hash", "uri_hash", "cookie":
		return true
	case "random_choose":
		return p.Choose >= 2
	case "weighted_round_robin":
		return len(p.Weights) > 0
	case "query":
		return p.Key != ""
	case "header":
		return p.Field != ""
	}
	return false
}

// Engine returns the proxy engine's state for this handler, made by make
// on first use and kept as long as the handler's configuration (one per
// loaded program): the server side keeps its balancer here, as helpers
// cannot import the proxy engine.
func (rp *CaddyReverseProxy) Engine(make func(*CaddyReverseProxy) (any, error)) (any, error) {
	rp.engineOnce.Do(func() { rp.engine, rp.engineErr = make(rp) })
	return rp.engine, rp.engineErr
}

func (rp *CaddyReverseProxy) run(ex *Exchange, _ replacer) (uint64, error) {
	if ex.Action != ActionNone {
		return 0, fmt.Errorf("zs_caddy_handle: reverse_proxy: the request already has a response")
	}
	rp.forwardedHeaders(&ex.Req, ex.caddy.vars["trusted_proxy"] == true)
	ex.Action, ex.Proxy = ActionProxy, rp
	return CaddyStop, nil
}

// forwardedHeaders sets X-Forwarded-For, -Proto and -Host as Caddy's
// addForwardedHeaders: from a trusted proxy (the server's trusted_proxy
// variable, or this handler's trusted_proxies) the client IP is appended
// to the prior X-Forwarded-For and the prior -Proto and -Host are kept;
// otherwise all three are replaced.
func (rp *CaddyReverseProxy) forwardedHeaders(req *Request, trusted bool) {
	ip, _, err := net.SplitHostPort(req.Peer)
	if err != nil {
		ip = ""
	}
	ip, _, _ = strings.Cut(ip, "%")
	if !trusted && len(rp.trusted) > 0 {
		if a, err := netip.ParseAddr(ip); err == nil {
			for _, p := range rp.trusted {
				if p.Contains(a.Unmap()) {
					trusted = true
					break
				}
			}
		}
	}
	const xff, xfp, xfh = "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"
	if ip == "" && !trusted {
		req.Header = deleteForwarded(req.Header, true)
		return
	}
	prior, ok := req.Get(xff)
	forwardedFor, setFor := ip, ip != ""
	switch {
	case trusted && ok && prior != "" && ip != "":
		forwardedFor, setFor = prior+", "+ip, true
	case trusted && ok && prior != "":
		forwardedFor, setFor = prior, true
	}
	proto := "http"
	if req.TLS {
		proto = "https"
	}
	host, _ := req.Get("Host")
	if trusted {
		if v := lastValue(req.Header, xfp); v != "" {
			proto = v
		}
		if v := lastValue(req.Header, xfh); v != "" {
			host = v
		}
	}
	req.Header = deleteForwarded(req.Header, setFor)
	if setFor {
		req.Header = append(req.Header, Field{xff, forwardedFor})
	}
	req.Header = append(req.Header, Field{xfp, proto}, Field{xfh, host})
}

// deleteForwarded removes the X-Forwarded-Proto and -Host fields from h,
// and the X-Forwarded-For fields with forFields, in one pass.
func deleteForwarded(h []Field, forFields bool) []Field {
	kept := h[:0]
	for _, f := range h {
		if len(f.Name) > 12 && asciiEqualFold(f.Name[:12], "X-Forwarded-") {
			switch rest := f.Name[12:]; {
			case forFields && asciiEqualFold(rest, "For"), asciiEqualFold(rest, "Proto"), asciiEqualFold(rest, "Host"):
				continue
			}
		}
		kept = append(kept, f)
	}
	clear(h[len(kept):])
	return kept
}

// lastValue returns the last value of the field name, or "".
func lastValue(h []Field, name string) string {
	v := ""
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			v = f.Value
		}
	}
	return v
}

// ProxyRetryMatch reports, for a reverse_proxy handler with
// lb_retry_match, whether the request matches one of its sets (a
// matcher's error counts as no match, as Caddy's tryAgain); ok is false
// without lb_retry_match.
func (ex *Exchange) ProxyRetryMatch() (match, ok bool) {
	rp := ex.Proxy
	if rp == nil || len(rp.retryMatch) == 0 {
		return false, false
	}
	for _, ms := range rp.retryMatch {
		if m, err := ms.match(ex); err == nil && m {
			return true, true
		}
	}
	return false, true
}

// ProxyUpstream is the backend of a proxy try, for the
// {http.reverse_proxy.upstream.*} placeholders.
type ProxyUpstream struct {
	// Dial is the backend's "host:port".
	Dial string
	// Requests, MaxRequests and Fails are its counters at the try.
	Requests, MaxRequests, Fails int
}

// proxyPlaceholder returns {http.reverse_proxy.upstream.*} for the try
// being made or answered; outside one Caddy does not know the keys.
func (ex *Exchange) proxyPlaceholder(key string) (string, bool) {
	name, ok := strings.CutPrefix(key, "http.reverse_proxy.upstream.")
	u := ex.proxyUp
	if !ok || u == nil {
		return "", false
	}
	host, port, _ := net.SplitHostPort(u.Dial)
	switch name {
	case "address", "hostport":
		return u.Dial, true
	case "host":
		return host, true
	case "port":
		return port, true
	case "requests":
		return strconv.Itoa(u.Requests), true
	case "max_requests":
		return strconv.Itoa(u.MaxRequests), true
	case "fails":
		return strconv.Itoa(u.Fails), true
	}
	return "", false
}

// ProxyPlaceholderSupported reports whether key is one of the
// {http.reverse_proxy.upstream.*} placeholders the proxy sets.
func ProxyPlaceholderSupported(key string) bool {
	switch key {
	case "http.reverse_proxy.upstream.address", "http.reverse_proxy.upstream.hostport",
		"http.reverse_proxy.upstream.host", "http.reverse_proxy.upstream.port",
		"http.reverse_proxy.upstream.requests", "http.reverse_proxy.upstream.max_requests",
		"http.reverse_proxy.upstream.fails":
		return true
	}
	return false
}

// ProxyRequestHeader returns the header fields to send to the backend of
// a try: the request's, with the reverse_proxy handler's header_up applied
// (placeholders see up(), called only then), valid until the next call or
// Reset. Without header_up it is ex.Req.Header itself.
func (ex *Exchange) ProxyRequestHeader(up func() *ProxyUpstream) []Field {
	rp := ex.Proxy
	if rp == nil || rp.up == nil {
		return ex.Req.Header
	}
	ex.proxyUp = up()
	h := rp.up.apply(append(ex.upHeader[:0], ex.Req.Header...), replacer{ex})
	ex.upHeader = h
	ex.proxyUp = nil
	return h
}

// ProxiedResponse turns a proxied response head (the upstream's status
// and header; failed: no upstream response, a 502/503/504 with an empty
// body) into the head to send, as Caddy and the script server do for
// other responses: the reverse_proxy handler's header_down (if require
// matches), then the response header the chain built (zs.response.header.*
// metadata, Caddy header ops), the deferred header ops (not for failures,
// as in Caddy, whose error path bypasses them), and the response hooks,
// run now with fuel. A hook asking to run the request again
// (zs_res_continue_request) cannot be honoured for a proxied response:
// that is an error.
//
// It runs on the loop after the chain returned, so the scripts' programs
// must still be loaded: the server keeps the chain (and ex) until the
// proxied response is over. The result is ex's, valid until the next
// call or Reset.
func (ex *Exchange) ProxiedResponse(status int, upstream []Field, up *ProxyUpstream, failed bool, fuel uint64) (*HookResponse, error) {
	ex.proxyUp = up
	defer func() { ex.proxyUp = nil }()
	repl := replacer{ex}
	if rp := ex.Proxy; rp != nil && rp.down != nil && !failed {
		if rp.down.require == nil || responseMatches(rp.down.require, status, upstream) {
			upstream = rp.down.ops.apply(upstream, repl)
		}
	}
	res := &ex.proxied
	*res = HookResponse{Status: status, Header: res.Header[:0]}
	ex.ResponseHeaders(func(name, value string) { res.Header = append(res.Header, Field{Name: name, Value: value}) })
	if !failed {
		ex.ResponseHeader = append(ex.ResponseHeader, upstream...)
		writeHeader(ex, status)
	}
	res.Header = append(res.Header, ex.ResponseHeader...)
	if len(ex.Hooks) > 0 {
		RunHooks(ex, res, fuel)
		if res.ContinueRequest {
			return nil, fmt.Errorf("zs_res_continue_request in a hook of a proxied response is not supported")
		}
	}
	return res, nil
}

// ClientIP returns the client IP as Caddy's client_ip variable holds it
// (trusted proxies applied, when the server has any), else the peer's IP.
func (ex *Exchange) ClientIP() string {
	if ip, ok := ex.caddy.vars["client_ip"].(string); ok && ip != "" {
		return ip
	}
	if h, _, err := net.SplitHostPort(ex.Req.Peer); err == nil {
		return h
	}
	return ex.Req.Peer
}
