package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// jwtHS256 makes a token with header alg and payload claims, signed with
// secret.
func jwtHS256(alg string, claims map[string]any, secret string) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	p, _ := json.Marshal(claims)
	signed := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(m.Sum(nil))
}

// TestExamplePlugins serves examples/plugins.caddy with the four example
// plugins (examples/*.c) through the real binary on both I/O backends:
// header-rewrite.c changes every request and response, health.c answers
// /health in JSON before the Caddyfile, jwt-hs256.c guards /api/* and
// rate-limit.c /limited/*.
func TestExamplePlugins(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed (scripts/test installs it)")
	}
	plugins := "../../examples/header-rewrite.c,../../examples/health.c,../../examples/rate-limit.c,../../examples/jwt-hs256.c"
	future := time.Now().Add(time.Hour).Unix()
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, _, stop := startBinary(t, "--plugin", plugins, "--caddy", "../../examples/plugins.caddy", "--addr", "127.0.0.1:0", "--io", io)
			defer stop()
			client := &http.Client{Timeout: 20 * time.Second}
			get := func(path string, hdr ...string) (int, http.Header, string) {
				t.Helper()
				req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
				for i := 0; i+1 < len(hdr); i += 2 {
					req.Header.Set(hdr[i], hdr[i+1])
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := readAll(resp.Body)
				return resp.StatusCode, resp.Header, body
			}

			// health.c, after header-rewrite.c (--plugin order).
			status, hdr, body := get("/health")
			var health struct {
				Status string `json:"status"`
				NowMs  int64  `json:"now_ms"`
			}
			if err := json.Unmarshal([]byte(body), &health); status != 200 || err != nil || health.Status != "ok" ||
				time.Since(time.UnixMilli(health.NowMs)).Abs() > time.Minute ||
				hdr.Get("Content-Type") != "application/json" || hdr.Get("Cache-Control") != "no-store" || hdr.Get("X-Served-By") != "zeroserve" {
				t.Errorf("/health: %d %v %s", status, hdr, body)
			}

			// header-rewrite.c before the Caddyfile's respond.
			status, hdr, body = get("/some/page", "X-Internal-Token", "secret", "X-Internal-Other", "x")
			if status != 200 || body != "rewritten /some/page internal=" || hdr.Get("X-Served-By") != "zeroserve" {
				t.Errorf("/some/page: %d %v %q", status, hdr, body)
			}

			// jwt-hs256.c
			for _, c := range []struct {
				name, auth string
				status     int
				body       string
			}{
				{"valid", "Bearer " + jwtHS256("HS256", map[string]any{"sub": "alice", "exp": future}, "change-me"), 200, "hello alice"},
				{"no exp", "Bearer " + jwtHS256("HS256", map[string]any{"sub": "bob"}, "change-me"), 200, "hello bob"},
				{"missing", "", 401, "missing bearer token\n"},
				{"wrong secret", "Bearer " + jwtHS256("HS256", map[string]any{"sub": "eve"}, "guess"), 401, "bad signature\n"},
				{"alg none", "Bearer " + jwtHS256("none", map[string]any{"sub": "eve"}, "change-me"), 401, "unsupported alg\n"},
				{"expired", "Bearer " + jwtHS256("HS256", map[string]any{"sub": "alice", "exp": time.Now().Add(-time.Minute).Unix()}, "change-me"), 401, "token expired\n"},
				{"malformed", "Bearer abc.def", 401, "malformed token\n"},
			} {
				h := []string{"X-User", "spoofed"}
				if c.auth != "" {
					h = append(h, "Authorization", c.auth)
				}
				status, hdr, body := get("/api/me", h...)
				if status != c.status || body != c.body || status == 401 && hdr.Get("WWW-Authenticate") != "Bearer" {
					t.Errorf("jwt %s: %d %v %q, want %d %q", c.name, status, hdr, body, c.status, c.body)
				}
			}

			// rate-limit.c: a burst of 5 a minute per client IP.
			for i := 1; i <= 6; i++ {
				status, hdr, body := get("/limited/x")
				if i <= 5 && (status != 200 || body != "within the limit") || i == 6 && (status != 429 || hdr.Get("Retry-After") != "60") {
					t.Errorf("request %d: %d %v %q", i, status, hdr, body)
				}
			}
			if log := stop(); !strings.Contains(log, `loaded script "jwt-hs256"`) {
				t.Errorf("log:\n%s", log)
			}
		})
	}
}
