package helpers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The identity provider's discovery documents and key sets, cached per
// process for an hour. Fetches block, so they run only inside
// asynchronous works (async.go), never on an event loop.

const (
	oidcCacheTTL     = time.Hour
	oidcFetchLimit   = 256 << 10 // response size cap, as the original
	oidcFetchTimeout = 10 * time.Second
	// jwksRefetchGap is the least time between two fetches of a key set
	// forced by an unknown kid (key rotation), so forged kids cannot make
	// us hammer the provider.
	jwksRefetchGap = time.Minute
)

var oidcHTTP = &http.Client{
	Timeout:       oidcFetchTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// discovery is the part of an OpenID Provider Configuration we use.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
}

type cached[T any] struct {
	val     T
	fetched time.Time
}

var oidcCache struct {
	sync.Mutex
	disc map[string]cached[discovery]
	jwks map[string]cached[[]jwksKey]
}

// cachedDiscovery returns the fresh cached discovery of issuer, if any.
func cachedDiscovery(issuer string) (discovery, bool) {
	oidcCache.Lock()
	defer oidcCache.Unlock()
	d, ok := oidcCache.disc[issuer]
	return d.val, ok && time.Since(d.fetched) < oidcCacheTTL
}

// fetchDiscovery returns issuer's discovery document, from the cache or
// fetched (blocking).
func fetchDiscovery(issuer string) (discovery, error) {
	if d, ok := cachedDiscovery(issuer); ok {
		return d, nil
	}
	var d discovery
	b, err := oidcGet(strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration")
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("discovery: %v", err)
	}
	if d.Issuer != issuer {
		return d, fmt.Errorf("discovery: issuer %q, want %q", d.Issuer, issuer)
	}
	for _, u := range []string{d.AuthorizationEndpoint, d.TokenEndpoint, d.JWKSURI} {
		if !httpURL(u) {
			return d, fmt.Errorf("discovery: endpoint %q is not an http(s) URL", u)
		}
	}
	oidcCache.Lock()
	if oidcCache.disc == nil {
		oidcCache.disc = map[string]cached[discovery]{}
	}
	oidcCache.disc[issuer] = cached[discovery]{d, time.Now()}
	oidcCache.Unlock()
	return d, nil
}

// fetchJWKS returns the key set at uri, from the cache unless it is
// stale or refresh asks for a new copy (at most once per jwksRefetchGap).
func fetchJWKS(uri string, refresh bool) ([]jwksKey, error) {
	oidcCache.Lock()
	c, ok := oidcCache.jwks[uri]
	oidcCache.Unlock()
	age := time.Since(c.fetched)
	if ok && age < oidcCacheTTL && (!refresh || age < jwksRefetchGap) {
		return c.val, nil
	}
	b, err := oidcGet(uri)
	if err != nil {
		return nil, err
	}
	keys, err := parseJWKS(b)
	if err != nil {
		return nil, err
	}
	oidcCache.Lock()
	if oidcCache.jwks == nil {
		oidcCache.jwks = map[string]cached[[]jwksKey]{}
	}
	oidcCache.jwks[uri] = cached[[]jwksKey]{keys, time.Now()}
	oidcCache.Unlock()
	return keys, nil
}

// oidcGet fetches a JSON document.
func oidcGet(u string) ([]byte, error) {
	resp, err := oidcHTTP.Get(u)
	if err != nil {
		return nil, err
	}
	return readOIDCResponse(resp)
}

// oidcPostForm posts a form (the token request).
func oidcPostForm(u string, form url.Values) ([]byte, error) {
	resp, err := oidcHTTP.PostForm(u, form)
	if err != nil {
		return nil, err
	}
	return readOIDCResponse(resp)
}

func readOIDCResponse(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, oidcFetchLimit+1))
	if err != nil {
		return nil, err
	}
	if len(b) > oidcFetchLimit {
		return nil, errors.New("response larger than 256 KiB")
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: status %d", resp.Request.URL, resp.StatusCode)
	}
	return b, nil
}

// httpURL reports whether s is an absolute http or https URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
