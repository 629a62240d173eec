package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestServeCaddyLoadBalancing: a Caddyfile's reverse_proxy with several
// upstreams, through the binary on both loops: round_robin spreads
// requests evenly with header_up ({upstream_hostport}) and header_down
// applied; a down upstream is retried past and then avoided (passive
// health); an upstream failing its health_uri is taken out (active
// health); with every upstream down the answer is 502, then 503; the
// header directive's edits apply to the proxied response.
func TestServeCaddyLoadBalancing(t *testing.T) {
	var hits [3]atomic.Int64
	var ups [3]*httptest.Server
	for i := range ups {
		ups[i] = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/health" {
				if i == 2 {
					w.WriteHeader(503)
				}
				return
			}
			hits[i].Add(1)
			w.Header().Set("X-Secret", "s")
			fmt.Fprintf(w, "up%d up=%s", i, r.Header.Get("X-Up"))
		}))
		defer ups[i].Close()
	}
	addr := func(i int) string { return strings.TrimPrefix(ups[i].URL, "http://") }
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := ln.Addr().String()
	ln.Close() // nothing listens there any more
	dir := t.TempDir()
	cf := filepath.Join(dir, "Caddyfile")
	os.WriteFile(cf, []byte(fmt.Sprintf(`{
	auto_https off
}
:8080 {
	header X-Edge edge
	handle /rr/* {
		reverse_proxy %s %s {
			lb_policy round_robin
			header_up X-Up {upstream_hostport}
			header_down -X-Secret
			header_down X-Down yes
		}
	}
	handle /fail/* {
		reverse_proxy %s %s {
			lb_policy first
			lb_retries 2
			fail_duration 1m
		}
	}
	handle /active/* {
		reverse_proxy %s %s {
			lb_policy round_robin
			health_uri /health
			health_interval 50ms
		}
	}
	handle /dead/* {
		reverse_proxy %s {
			fail_duration 1m
		}
	}
}
`, addr(0), addr(1), down, addr(0), addr(1), addr(2), down)), 0o644)
	get := func(t *testing.T, base, path string) (*http.Response, string) {
		t.Helper()
		resp, err := (&http.Client{Timeout: 20 * time.Second}).Get("http://" + base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := readAll(resp.Body)
		resp.Body.Close()
		return resp, body
	}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			for i := range hits {
				hits[i].Store(0)
			}
			base, _, stop := startBinary(t, "--caddy", cf, "--addr", "127.0.0.1:0", "--io", io)
			defer stop()
			for range 10 {
				resp, body := get(t, base, "/rr/x")
				up := "up0 up=" + addr(0)
				if strings.HasPrefix(body, "up1") {
					up = "up1 up=" + addr(1)
				}
				if resp.StatusCode != 200 || body != up || resp.Header.Get("X-Down") != "yes" || resp.Header.Get("X-Secret") != "" || resp.Header.Get("X-Edge") != "edge" {
					t.Fatalf("round_robin: %d %q %v", resp.StatusCode, body, resp.Header)
				}
			}
			if hits[0].Load() != 5 || hits[1].Load() != 5 {
				t.Errorf("round_robin over 10 requests: %d and %d, want 5 and 5", hits[0].Load(), hits[1].Load())
			}
			for i := range 3 {
				resp, body := get(t, base, "/fail/x")
				if resp.StatusCode != 200 || !strings.HasPrefix(body, "up0") {
					t.Fatalf("failover request %d: %d %q", i, resp.StatusCode, body)
				}
			}
			// Active: up2 fails its check; once marked down only up1 serves.
			deadline := time.Now().Add(10 * time.Second)
			for {
				n := 0
				for range 4 {
					if _, body := get(t, base, "/active/x"); strings.HasPrefix(body, "up2") {
						n++
					}
				}
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("an upstream failing its health check still gets requests")
				}
			}
			if resp, body := get(t, base, "/dead/x"); resp.StatusCode != 502 || body != "" {
				t.Errorf("first request to a dead upstream: %d %q, want 502 and no body", resp.StatusCode, body)
			}
			if resp, _ := get(t, base, "/dead/x"); resp.StatusCode != 503 {
				t.Errorf("request with every upstream down: %d, want 503", resp.StatusCode)
			}
		})
	}
}
