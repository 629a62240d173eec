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
			w.Header().Set("X-Late", "upstream")
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
	header {
		-X-Late
		defer
	}
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
				if resp.StatusCode != 200 || body != up || resp.Header.Get("X-Down") != "yes" || resp.Header.Get("X-Secret") != "" || resp.Header.Get("X-Edge") != "edge" || resp.Header.Get("X-Late") != "" {
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

// TestServeScriptProxyHooks: a script that forwards with zs_reverse_proxy
// and registers a response hook gets the hook run on the proxied
// response (it sees the upstream's header and changes the status), and
// its zs.response.header.* metadata added, on both loops; for a failed
// upstream the hook sees the 502.
func TestServeScriptProxyHooks(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-From", "up")
		fmt.Fprint(w, "proxied body")
	}))
	defer upstream.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()
	src := filepath.Join(t.TempDir(), "hookproxy.c")
	os.WriteFile(src, []byte(`#include "zeroserve.h"
ZS_ENTRY zs_u64 entry(void) {
  char up[128];
  zs_s64 n = zs_req_header(ZS_STR("x-upstream"), up, sizeof up);
  if (n <= 0 || n >= (zs_s64)sizeof up)
    return zs_respond(400, ZS_STR("no upstream"));
  zs_req_delete_header(ZS_STR("x-upstream"));
  zs_meta_set(ZS_STR("zs.response.header.X-Meta"), ZS_STR("m"));
  zs_res_hook(ZS_STR(""), ZS_STR("edit"), zs_json_new_object());
  zs_reverse_proxy(up, n);
  return 0;
}
ZS_CALL_ENTRY(edit, input) {
  char v[8];
  zs_s64 n = zs_res_header(ZS_STR("X-From"), v, sizeof v);
  if (n == 2)
    zs_res_set_status(zs_res_status() + 1);
  else
    zs_res_set_status(zs_res_status() + 2);
  return input;
}
`), 0o644)
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			base, _, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", io, src)
			defer stop()
			for _, c := range []struct {
				upstream, body string
				status         int
			}{{upstream.URL, "proxied body", 201}, {down, "", 504}} {
				req, _ := http.NewRequest("GET", "http://"+base+"/x", nil)
				req.Header.Set("X-Upstream", c.upstream)
				resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := readAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || body != c.body || resp.Header.Get("X-Meta") != "m" {
					t.Errorf("upstream %s: %d %q %v, want %d %q with X-Meta", c.upstream, resp.StatusCode, body, resp.Header, c.status, c.body)
				}
			}
		})
	}
}
