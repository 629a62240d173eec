package caddyconf

// ReverseProxy proxies requests to upstreams, as Caddy's
// reverseproxy.Handler (handler "reverse_proxy").
type ReverseProxy struct {
	// Transport is how requests reach upstreams (default: http).
	Transport *TransportModule `json:"transport,omitempty"`
	// CircuitBreaker marks upstreams down ahead of failures.
	CircuitBreaker *CircuitBreakerModule `json:"circuit_breaker,omitempty"`
	// LoadBalancing picks an upstream and retries.
	LoadBalancing *LoadBalancing `json:"load_balancing,omitempty"`
	// HealthChecks mark upstreams healthy or not.
	HealthChecks *HealthChecks `json:"health_checks,omitempty"`
	// Upstreams is the static upstream pool.
	Upstreams []Upstream `json:"upstreams,omitempty"`
	// DynamicUpstreams finds upstreams per request (a, srv, multi).
	DynamicUpstreams *UpstreamSourceModule `json:"dynamic_upstreams,omitempty"`
	// FlushInterval flushes the response periodically (-1: immediately).
	FlushInterval Duration `json:"flush_interval,omitempty"`
	// TrustedProxies are proxies whose X-Forwarded-* are kept.
	TrustedProxies []string `json:"trusted_proxies,omitempty"`
	// Headers edits headers going up and coming down.
	Headers *Headers `json:"headers,omitempty"`
	// RequestBuffers buffers this many request body bytes (-1: all).
	RequestBuffers int64 `json:"request_buffers,omitempty"`
	// ResponseBuffers buffers this many response body bytes (-1: all).
	ResponseBuffers int64 `json:"response_buffers,omitempty"`
	// ProxyStatusName is the Proxy-Status name (RFC 9209).
	ProxyStatusName string `json:"proxy_status_name,omitempty"`
	// StreamTimeout closes streams (WebSockets) after this time.
	StreamTimeout Duration `json:"stream_timeout,omitempty"`
	// StreamBufferSize is the buffer size for streams.
	StreamBufferSize int `json:"stream_buffer_size,omitempty"`
	// StreamCloseDelay delays closing streams on config reload.
	StreamCloseDelay Duration `json:"stream_close_delay,omitempty"`
	// Rewrite changes the request sent upstream (method, uri).
	Rewrite *Rewrite `json:"rewrite,omitempty"`
	// HandleResponse handles upstream responses by matcher.
	HandleResponse []ResponseHandler `json:"handle_response,omitempty"`
	// VerboseLogs logs more about each round trip.
	VerboseLogs bool `json:"verbose_logs,omitempty"`
}

// ModuleName returns "reverse_proxy".
func (*ReverseProxy) ModuleName() string { return "reverse_proxy" }

// Upstream is one backend, as Caddy's reverseproxy.Upstream.
type Upstream struct {
	// Dial is the network address ("host:port", "unix//path").
	Dial string `json:"dial,omitempty"`
	// MaxRequests caps concurrent requests to this upstream.
	MaxRequests int `json:"max_requests,omitempty"`
}

// ResponseHandler handles a matching upstream response, as Caddy's
// caddyhttp.ResponseHandler.
type ResponseHandler struct {
	// Match selects responses (nil: all).
	Match *ResponseMatcher `json:"match,omitempty"`
	// StatusCode writes the upstream body with this status instead.
	StatusCode WeakString `json:"status_code,omitempty"`
	// Routes run instead of writing the upstream response.
	Routes []Route `json:"routes,omitempty"`
}

// LoadBalancing picks upstreams and retries, as Caddy's
// reverseproxy.LoadBalancing.
type LoadBalancing struct {
	// SelectionPolicy picks an upstream (default: random).
	SelectionPolicy *SelectionPolicyModule `json:"selection_policy,omitempty"`
	// Retries is the number of retries after the first try.
	Retries int `json:"retries,omitempty"`
	// TryDuration is how long to keep retrying.
	TryDuration Duration `json:"try_duration,omitempty"`
	// TryInterval is the wait between tries.
	TryInterval Duration `json:"try_interval,omitempty"`
	// RetryMatch limits retries of sent requests to matching ones.
	RetryMatch []MatcherSet `json:"retry_match,omitempty"`
}

// HealthChecks are active and passive checks, as Caddy's
// reverseproxy.HealthChecks.
type HealthChecks struct {
	// Active polls upstreams in the background.
	Active *ActiveHealthChecks `json:"active,omitempty"`
	// Passive counts failures of proxied requests.
	Passive *PassiveHealthChecks `json:"passive,omitempty"`
}

// ActiveHealthChecks is as Caddy's reverseproxy.ActiveHealthChecks.
type ActiveHealthChecks struct {
	// Path is the deprecated form of URI.
	Path string `json:"path,omitempty"`
	// URI is the request target of each check.
	URI string `json:"uri,omitempty"`
	// Upstream is a host:port to check instead of the upstream's.
	Upstream string `json:"upstream,omitempty"`
	// Port is a port to check instead of the upstream's.
	Port int `json:"port,omitempty"`
	// Headers are sent with each check.
	Headers map[string][]string `json:"headers,omitempty"`
	// Method is the check's method (default GET).
	Method string `json:"method,omitempty"`
	// Body is the check's request body.
	Body string `json:"body,omitempty"`
	// FollowRedirects follows redirects.
	FollowRedirects bool `json:"follow_redirects,omitempty"`
	// Interval is the time between checks.
	Interval Duration `json:"interval,omitempty"`
	// Timeout bounds one check.
	Timeout Duration `json:"timeout,omitempty"`
	// Passes is the number of passes that make an upstream healthy.
	Passes int `json:"passes,omitempty"`
	// Fails is the number of failures that make it unhealthy.
	Fails int `json:"fails,omitempty"`
	// MaxSize caps the response body read.
	MaxSize int64 `json:"max_size,omitempty"`
	// ExpectStatus is the expected status (2xx by default).
	ExpectStatus int `json:"expect_status,omitempty"`
	// ExpectBody is a regexp the body must match.
	ExpectBody string `json:"expect_body,omitempty"`
}

// PassiveHealthChecks is as Caddy's reverseproxy.PassiveHealthChecks.
type PassiveHealthChecks struct {
	// FailDuration is how long a failure is remembered.
	FailDuration Duration `json:"fail_duration,omitempty"`
	// MaxFails is the failures within FailDuration that mark it down.
	MaxFails int `json:"max_fails,omitempty"`
	// UnhealthyRequestCount marks it down at this many requests in flight.
	UnhealthyRequestCount int `json:"unhealthy_request_count,omitempty"`
	// UnhealthyStatus are statuses counted as failures.
	UnhealthyStatus []int `json:"unhealthy_status,omitempty"`
	// UnhealthyLatency counts slower responses as failures.
	UnhealthyLatency Duration `json:"unhealthy_latency,omitempty"`
}

// CircuitBreakerModule is a circuit breaker named by "type"; Caddy's
// standard distribution has none, so every name is unsupported.
type CircuitBreakerModule = Inline[circuitBreakers]

type circuitBreakers struct{}

func (circuitBreakers) inlineKey() string       { return "type" }
func (circuitBreakers) kind() string            { return "circuit breaker" }
func (circuitBreakers) newModule(string) Module { return nil }

// SelectionPolicyModule is a load-balancing policy named by "policy".
type SelectionPolicyModule = Inline[selectionPolicies]

type selectionPolicies struct{}

func (selectionPolicies) inlineKey() string { return "policy" }
func (selectionPolicies) kind() string      { return "selection policy" }
func (selectionPolicies) newModule(name string) Module {
	switch name {
	case "random", "least_conn", "round_robin", "first", "ip_hash", "client_ip_hash", "uri_hash":
		return &SimplePolicy{Name: name}
	case "weighted_round_robin":
		return new(WeightedRoundRobin)
	case "random_choose":
		return new(RandomChoose)
	case "query":
		return new(QueryPolicy)
	case "header":
		return new(HeaderPolicy)
	case "cookie":
		return new(CookiePolicy)
	}
	return nil
}

// SimplePolicy is a selection policy without options: random, least_conn,
// round_robin, first, ip_hash, client_ip_hash or uri_hash.
type SimplePolicy struct {
	// Name is the policy name.
	Name string `json:"-"`
}

// ModuleName returns the policy name.
func (p *SimplePolicy) ModuleName() string { return p.Name }

// WeightedRoundRobin is as Caddy's reverseproxy.WeightedRoundRobinSelection.
type WeightedRoundRobin struct {
	// Weights are per upstream, in upstream order.
	Weights []int `json:"weights,omitempty"`
}

// ModuleName returns "weighted_round_robin".
func (*WeightedRoundRobin) ModuleName() string { return "weighted_round_robin" }

// RandomChoose is as Caddy's reverseproxy.RandomChoiceSelection.
type RandomChoose struct {
	// Choose is how many random upstreams to compare.
	Choose int `json:"choose,omitempty"`
}

// ModuleName returns "random_choose".
func (*RandomChoose) ModuleName() string { return "random_choose" }

// QueryPolicy hashes a query parameter, as Caddy's QueryHashSelection.
type QueryPolicy struct {
	// Key is the query parameter.
	Key string `json:"key,omitempty"`
	// Fallback is used when the parameter is absent.
	Fallback *SelectionPolicyModule `json:"fallback,omitempty"`
}

// ModuleName returns "query".
func (*QueryPolicy) ModuleName() string { return "query" }

// HeaderPolicy hashes a header field, as Caddy's HeaderHashSelection.
type HeaderPolicy struct {
	// Field is the header field.
	Field string `json:"field,omitempty"`
	// Fallback is used when the field is absent.
	Fallback *SelectionPolicyModule `json:"fallback,omitempty"`
}

// ModuleName returns "header".
func (*HeaderPolicy) ModuleName() string { return "header" }

// CookiePolicy is as Caddy's reverseproxy.CookieHashSelection.
type CookiePolicy struct {
	// Name is the cookie name (default "lb").
	Name string `json:"name,omitempty"`
	// Secret is the HMAC secret for the cookie value.
	Secret string `json:"secret,omitempty"`
	// MaxAge is the cookie's Max-Age.
	MaxAge Duration `json:"max_age,omitempty"`
	// Fallback is used when the cookie is absent or stale.
	Fallback *SelectionPolicyModule `json:"fallback,omitempty"`
}

// ModuleName returns "cookie".
func (*CookiePolicy) ModuleName() string { return "cookie" }
