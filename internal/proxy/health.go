package proxy

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ActiveHealth configures active health checks, as Caddy's
// ActiveHealthChecks: every Interval, each backend gets a request (Method
// to URI, on Port or at Upstream instead of the backend's own address,
// with Headers, "Host" setting the Host) on a plain net/http client. A
// failure (no response within Timeout, a status other than ExpectStatus
// — 2xx when 0 — or a body, read up to MaxSize, that ExpectBody does not
// match) counted Fails times in a row makes the backend unhealthy; Passes
// passes in a row make it healthy again. The first round runs at once.
type ActiveHealth struct {
	URI             string
	Port            int
	Upstream        string
	Method          string
	Body            string
	Headers         map[string][]string
	FollowRedirects bool
	Interval        time.Duration
	Timeout         time.Duration
	Passes, Fails   int
	MaxSize         int64
	ExpectStatus    int
	ExpectBody      *regexp.Regexp
	// TLS, when not nil, checks https backends with this configuration.
	TLS *tls.Config
}

// startActive validates a and starts the checker goroutine, which ends
// when the balancer is closed.
func (b *Balancer) startActive(a *ActiveHealth) error {
	c := *a
	if c.Interval == 0 {
		c.Interval = 30 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.Passes == 0 {
		c.Passes = 1
	}
	if c.Fails == 0 {
		c.Fails = 1
	}
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	if c.Interval < 0 || c.Timeout < 0 || c.Passes < 0 || c.Fails < 0 || c.MaxSize < 0 {
		return fmt.Errorf("proxy: negative active health check setting")
	}
	if c.URI != "" && !strings.HasPrefix(c.URI, "/") {
		return fmt.Errorf("proxy: active health check URI %q must start with /", c.URI)
	}
	tr := &http.Transport{TLSClientConfig: c.TLS, DisableKeepAlives: true}
	client := &http.Client{Timeout: c.Timeout, Transport: tr}
	if !c.FollowRedirects {
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	go func() {
		t := time.NewTicker(c.Interval)
		defer t.Stop()
		for {
			b.checkAll(&c, client)
			select {
			case <-b.stop:
				return
			case <-t.C:
			}
		}
	}()
	return nil
}

// checkAll checks every backend at once and waits for the results.
func (b *Balancer) checkAll(c *ActiveHealth, client *http.Client) {
	var wg sync.WaitGroup
	for _, k := range b.backends {
		wg.Go(func() {
			if err := check(c, client, k); err != nil {
				k.passes.Store(0)
				if k.failsAct.Add(1) >= int64(c.Fails) {
					k.down.Store(true)
					k.failsAct.Store(0)
				}
				return
			}
			k.failsAct.Store(0)
			if k.passes.Add(1) >= int64(c.Passes) {
				k.down.Store(false)
				k.passes.Store(0)
			}
		})
	}
	wg.Wait()
}

// check runs one check of k; nil means it passed.
func check(c *ActiveHealth, client *http.Client, k *Backend) error {
	u := k.Upstream()
	scheme := "http"
	if u.TLS {
		scheme = "https"
	}
	hostport := net.JoinHostPort(u.Host, strconv.Itoa(int(u.Port)))
	if u.Addr.IsValid() {
		hostport = u.Addr.String()
	}
	switch {
	case c.Upstream != "":
		hostport = c.Upstream
	case c.Port != 0:
		h, _, _ := net.SplitHostPort(hostport)
		hostport = net.JoinHostPort(h, strconv.Itoa(c.Port))
	}
	var body io.Reader
	if c.Body != "" {
		body = strings.NewReader(c.Body)
	}
	req, err := http.NewRequest(c.Method, scheme+"://"+hostport+c.URI, body)
	if err != nil {
		return err
	}
	for name, vals := range c.Headers {
		if http.CanonicalHeaderKey(name) == "Host" {
			if len(vals) > 0 {
				req.Host = vals[0]
			}
			continue
		}
		for _, v := range vals {
			req.Header.Add(name, v)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var rb io.Reader = resp.Body
	if c.MaxSize > 0 {
		rb = io.LimitReader(rb, c.MaxSize)
	}
	if c.ExpectStatus > 0 && !statusMatches(resp.StatusCode, c.ExpectStatus) ||
		c.ExpectStatus == 0 && (resp.StatusCode < 200 || resp.StatusCode >= 300) {
		io.Copy(io.Discard, rb)
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if c.ExpectBody != nil {
		got, err := io.ReadAll(rb)
		if err != nil {
			return err
		}
		if !c.ExpectBody.Match(got) {
			return errors.New("body does not match")
		}
		return nil
	}
	io.Copy(io.Discard, rb)
	return nil
}
