package proxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// deadAddr returns a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := ln.Addr().String()
	ln.Close()
	return a
}

// startBalanced serves every request through Balance with b and a Trip
// made per request by trip.
func startBalanced(t *testing.T, be loop.Backend, b *Balancer, trip func(r *server.Request) *Trip) string {
	t.Helper()
	p, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Addr: "127.0.0.1:0", Threads: 1, Backend: be,
		Handler: server.HandlerFunc(func(w *server.ResponseWriter, r *server.Request) { p.Balance(w, r, b, trip(r)) })})
	if err != nil {
		if errors.Is(err, loop.ErrNotSupported) {
			t.Skipf("backend %v: %v", be, err)
		}
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return "http://" + s.Addr().String()
}

// TestBalance: retries move to the next backend (a dead one is counted
// and then avoided), the request and Head edits are per try, Done runs
// once per request, and no available backend is a 503.
func TestBalance(t *testing.T) {
	backends(t, func(t *testing.T, be loop.Backend) {
		var hits [2]atomic.Int64
		var live [2]string
		for i := range live {
			ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits[i].Add(1)
				b, _ := io.ReadAll(r.Body)
				w.Header().Set("X-From", fmt.Sprint(i))
				fmt.Fprintf(w, "up%d %s %s x-try=%s body=%s", i, r.Method, r.URL.RequestURI(), r.Header.Get("X-Try"), b)
			}))
			live[i] = strings.TrimPrefix(ts.URL, "http://")
		}
		dead := deadAddr(t)
		bal, err := NewBalancer(BalancerConfig{
			Backends: []BackendConfig{{Dial: dead, URL: "http://" + dead}, {Dial: live[0], URL: "http://" + live[0]}, {Dial: live[1], URL: "http://" + live[1]}},
			Policy:   FirstPolicy{},
			Retries:  2,
			Passive:  PassiveHealth{FailDuration: time.Minute},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer bal.Close()
		var done, heads atomic.Int64
		base := startBalanced(t, be, bal, func(r *server.Request) *Trip {
			return &Trip{
				Request: func(k *Backend) *Outgoing {
					return &Outgoing{Method: string(r.MethodName()), Path: string(r.Path()), Header: []HeaderField{{"X-Try", k.Dial}}}
				},
				Head: func(h *Head) {
					heads.Add(1)
					if h.Failed {
						h.Header = append(h.Header, HeaderField{"X-Failed", "1"})
						return
					}
					h.Status = 299
					h.Header = append(h.Header, HeaderField{"X-Edited", h.Backend.Dial})
				},
				Done: func() { done.Add(1) },
			}
		})
		c := client(t)
		for i := range 3 {
			resp, err := c.Post(base+"/p", "text/plain", strings.NewReader("payload"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := "up0 POST /p x-try=" + live[0] + " body=payload"
			if resp.StatusCode != 299 || string(body) != want || resp.Header.Get("X-Edited") != live[0] || resp.Header.Get("X-From") != "0" {
				t.Fatalf("request %d: %d %q %v, want 299 %q", i, resp.StatusCode, body, resp.Header, want)
			}
		}
		if k := bal.Backends()[0]; k.Healthy() || k.Fails() != 1 {
			t.Errorf("dead backend: healthy %v with %d fails, want unhealthy with 1", k.Healthy(), k.Fails())
		}
		for _, k := range bal.Backends() {
			if k.Requests() != 0 {
				t.Errorf("%s: %d requests in flight after all answered", k.Dial, k.Requests())
			}
		}
		if done.Load() != 3 || heads.Load() != 3 {
			t.Errorf("Done ran %d times, Head %d, want 3 and 3", done.Load(), heads.Load())
		}
		for _, k := range bal.Backends()[1:] {
			k.down.Store(true)
		}
		resp, err := c.Get(base + "/q")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 503 || len(body) != 0 || resp.Header.Get("X-Failed") != "1" {
			t.Errorf("every backend down: %d %q %v, want 503, empty, X-Failed", resp.StatusCode, body, resp.Header)
		}
		if done.Load() != 4 {
			t.Errorf("Done ran %d times after 4 requests", done.Load())
		}
	})
}

// TestBalanceTryDuration: with lb_try_duration, a request waits
// try_interval between tries and is answered once a backend is up, and
// a POST that reached an upstream is not retried (Caddy retries only GET
// then).
func TestBalanceTryDuration(t *testing.T) {
	backends(t, func(t *testing.T, be loop.Backend) {
		var n atomic.Int64
		reset := rawUpstream(t, func(c net.Conn) {
			n.Add(1)
			buf := make([]byte, 4096)
			c.Read(buf)
			c.Close() // the request reached it, no response
		})
		u := strings.TrimPrefix(reset, "http://")
		bal, err := NewBalancer(BalancerConfig{
			Backends:    []BackendConfig{{Dial: u, URL: reset}},
			TryDuration: 300 * time.Millisecond,
			TryInterval: 20 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		defer bal.Close()
		base := startBalanced(t, be, bal, func(r *server.Request) *Trip {
			if string(r.Path()) == "/retry" {
				return &Trip{RetrySent: func() bool { return true }} // lb_retry_match matched
			}
			return &Trip{}
		})
		c := client(t)
		start := time.Now()
		resp, err := c.Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 || time.Since(start) < 300*time.Millisecond || n.Load() < 3 {
			t.Errorf("GET: %d after %v and %d tries, want 502 after >= 300ms and several tries", resp.StatusCode, time.Since(start), n.Load())
		}
		n.Store(0)
		resp, err = c.Post(base+"/", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 || n.Load() != 1 {
			t.Errorf("POST: %d after %d tries, want 502 after 1", resp.StatusCode, n.Load())
		}
		n.Store(0)
		resp, err = c.Post(base+"/retry", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 502 || n.Load() < 3 {
			t.Errorf("POST matching lb_retry_match: %d after %d tries, want 502 after several", resp.StatusCode, n.Load())
		}
	})
}

// TestDisableKeepAlive: with keep-alive off every request dials anew.
func TestDisableKeepAlive(t *testing.T) {
	backends(t, func(t *testing.T, be loop.Backend) {
		ts, conns := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		_, base := startProxy(t, be, Config{Upstream: ts.URL, DisableKeepAlive: true})
		c := client(t)
		for range 3 {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if conns.Load() != 3 {
			t.Errorf("3 requests used %d upstream connections, want 3", conns.Load())
		}
	})
}

// TestBalancePassiveStatus: a backend answering an unhealthy_status is
// counted as failing (its response still relayed) and then avoided.
func TestBalancePassiveStatus(t *testing.T) {
	backends(t, func(t *testing.T, be loop.Backend) {
		var addrs [2]string
		for i := range addrs {
			ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if i == 0 {
					w.WriteHeader(503)
				}
				fmt.Fprintf(w, "up%d", i)
			}))
			addrs[i] = strings.TrimPrefix(ts.URL, "http://")
		}
		bal, err := NewBalancer(BalancerConfig{
			Backends: []BackendConfig{{Dial: addrs[0], URL: "http://" + addrs[0]}, {Dial: addrs[1], URL: "http://" + addrs[1]}},
			Policy:   FirstPolicy{},
			Passive:  PassiveHealth{FailDuration: time.Minute, UnhealthyStatus: []int{5}},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer bal.Close()
		base := startBalanced(t, be, bal, func(*server.Request) *Trip { return &Trip{} })
		c := client(t)
		for i, want := range []string{"503 up0", "200 up1", "200 up1"} {
			resp, err := c.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := fmt.Sprint(resp.StatusCode, " ", string(body)); got != want {
				t.Errorf("request %d: %s, want %s", i, got, want)
			}
		}
	})
}

// TestBalanceBadRequest: a request the caller's changes make unsendable
// is answered 500 (and Done runs) on the first try.
func TestBalanceBadRequest(t *testing.T) {
	backends(t, func(t *testing.T, be loop.Backend) {
		ts, _ := countingUpstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		a := strings.TrimPrefix(ts.URL, "http://")
		bal, err := NewBalancer(BalancerConfig{Backends: []BackendConfig{{Dial: a, URL: ts.URL}}})
		if err != nil {
			t.Fatal(err)
		}
		defer bal.Close()
		var done atomic.Int64
		base := startBalanced(t, be, bal, func(r *server.Request) *Trip {
			return &Trip{
				Request: func(*Backend) *Outgoing {
					return &Outgoing{Method: "GET", Path: "/", Header: []HeaderField{{"X-Bad", "a\r\nb"}}}
				},
				Done: func() { done.Add(1) },
			}
		})
		resp, err := client(t).Get(base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 500 || done.Load() != 1 {
			t.Errorf("unsendable request: %d, Done %d times; want 500 and 1", resp.StatusCode, done.Load())
		}
	})
}
