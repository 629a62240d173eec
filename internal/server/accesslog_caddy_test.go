package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/loop"
)

// caddyLogsFor builds the Caddy access logs of a Caddyfile's one server.
func caddyLogsFor(t *testing.T, src string) (*CaddyLogs, []string) {
	t.Helper()
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	cl, warnings, err := NewCaddyLogs(cfg, cfg.Apps.HTTP.Servers["srv0"])
	if err != nil {
		t.Fatal(err)
	}
	return cl, warnings
}

// TestCaddyAccessLog serves a Caddyfile with log directives on both
// backends and reads the JSON lines back: loggers per host, log_skip,
// user_id, redacted credentials, status, size and level.
func TestCaddyAccessLog(t *testing.T) {
	hash, _ := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	backends(t, func(t *testing.T, b loop.Backend) {
		dir := t.TempDir()
		file := filepath.Join(dir, "access.log")
		src := `a.test:80 {
	log {
		output file ` + file + `
	}
	log_skip /health
	basic_auth /private {
		ann ` + string(hash) + `
	}
	respond /boom "x" 503
	respond "hello"
}
b.test:80 {
	respond "not logged"
}`
		cl, warnings := caddyLogsFor(t, src)
		if len(warnings) != 1 || !strings.Contains(warnings[0], "rolling is not implemented") {
			t.Errorf("warnings %q", warnings)
		}
		var plain syncBuffer
		s := startServer(t, b, Config{Handler: compiledScripts(t, src), CaddyLogs: cl, AccessLog: &plain})
		c := &http.Client{Timeout: testTimeout}
		for _, r := range []struct{ host, path, auth string }{
			{"a.test", "/x?q=1", ""}, {"a.test", "/health", ""}, {"a.test", "/private", "pw"},
			{"a.test:8080", "/boom", ""}, {"b.test", "/", ""},
		} {
			req, _ := http.NewRequest("GET", "http://"+s.Addr().String()+r.path, nil)
			req.Host = r.host
			req.Header.Set("Cookie", "secret=1")
			if r.auth != "" {
				req.SetBasicAuth("ann", r.auth)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := cl.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want 3:\n%s", len(lines), data)
		}
		type entry struct {
			Level, Logger, Msg string
			TS                 float64
			Request            struct {
				RemoteIP  string `json:"remote_ip"`
				ClientIP  string `json:"client_ip"`
				Proto     string
				Method    string
				Host, URI string
				Headers   map[string][]string
			}
			UserID      string `json:"user_id"`
			Duration    float64
			Size        int
			Status      int
			RespHeaders map[string][]string `json:"resp_headers"`
		}
		want := []struct {
			uri, user, level, host string
			status, size           int
		}{
			{"/x?q=1", "", "info", "a.test", 200, 5},
			{"/private", "ann", "info", "a.test", 200, 5},
			{"/boom", "", "error", "a.test:8080", 503, 1},
		}
		for i, line := range lines {
			var e entry
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("line %d: %v\n%s", i, err, line)
			}
			w := want[i]
			if e.Logger != "http.log.access.log0" || e.Msg != "handled request" || e.Level != w.level || e.TS == 0 ||
				e.Request.URI != w.uri || e.Request.Host != w.host || e.Request.Method != "GET" || e.Request.Proto != "HTTP/1.1" ||
				e.Request.RemoteIP != "127.0.0.1" || e.Request.ClientIP != "127.0.0.1" || e.UserID != w.user ||
				e.Status != w.status || e.Size != w.size || e.RespHeaders["Content-Type"][0] != "text/plain; charset=utf-8" ||
				e.Request.Headers["Cookie"][0] != "REDACTED" {
				t.Errorf("line %d: %s", i, line)
			}
			if w.user != "" && e.Request.Headers["Authorization"][0] != "REDACTED" {
				t.Errorf("line %d: credentials logged: %s", i, line)
			}
		}
		if plain.String() != "" {
			t.Errorf("plain access log lines with Caddy logs: %q", plain.String())
		}
	})
}

// TestCaddyLogsConfig checks what NewCaddyLogs accepts: include and
// exclude as Caddy's, and clear errors for what is not implemented.
func TestCaddyLogsConfig(t *testing.T) {
	for _, c := range []struct {
		name, include, exclude string
		want                   bool
	}{
		{"http.log.access.log0", "", "", true},
		{"http.log.access.log0", "http.log.access.log0", "", true},
		{"http.log.access.log1", "http.log.access.log0", "", false},
		{"http.log.access.log0", "", "http.log.access.log0", false},
		{"http.log.access.log0", "http", "http.log.access", false},
		{"http.log.access.log0", "http.log.access", "http", true},
		{"http.log.access", "http.log.access.log0", "", false},
		{"http.log.access.log01", "http.log.access.log0", "", false},
		{"http.log.access", "", "*", false},
	} {
		s := &caddySink{}
		if c.include != "" {
			s.include = []string{c.include}
		}
		if c.exclude != "" {
			s.exclude = []string{c.exclude}
		}
		if got := s.allowed(c.name); got != c.want {
			t.Errorf("%s include %q exclude %q: %v", c.name, c.include, c.exclude, got)
		}
	}
	for _, bad := range []string{
		`{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"logs":{}}}}},"logging":{"logs":{"x":{"writer":{"output":"net","address":"127.0.0.1:9"}}}}}`,
		`{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"logs":{}}}}},"logging":{"logs":{"x":{"sampling":{"first":1}}}}}`,
		`{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"logs":{}}}}},"logging":{"logs":{"x":{"encoder":{"format":"json","time_format":"iso8601"}}}}}`,
		`{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"logs":{}}}}},"logging":{"logs":{"x":{"encoder":{"format":"filter","wrap":{"format":"json"}}}}}}`,
		`{"apps":{"http":{"servers":{"srv0":{"listen":[":80"],"logs":{}}}}},"logging":{"logs":{"x":{"level":"LOUD"}}}}`,
	} {
		cfg, err := caddyconf.Parse([]byte(bad))
		if err != nil {
			t.Fatalf("%s: %v", bad, err)
		}
		if cl, _, err := NewCaddyLogs(cfg, cfg.Apps.HTTP.Servers["srv0"]); err == nil {
			cl.Close()
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestAccessLogEncoding checks the JSON string escaping (decodes back to
// the same string; invalid UTF-8 becomes U+FFFD) and the console layout.
func TestAccessLogEncoding(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x00\x1f", "ünï©ødé", "<html>&"} {
		var back string
		if err := json.Unmarshal(appendJSONString(nil, s), &back); err != nil || back != s {
			t.Errorf("%q: %s -> %q %v", s, appendJSONString(nil, s), back, err)
		}
	}
	if got := string(appendJSONString(nil, "a\xffb")); got != `"a\ufffdb"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
	ts := time.Date(2026, 11, 28, 15, 4, 5, 123_000_000, time.UTC)
	if got := string(appendEntry(nil, true, levelError, ts, "http.log.access.x", []byte(`"status":500`))); got != "2026/11/28 15:04:05.123\tERROR\thttp.log.access.x\thandled request\t{\"status\":500}\n" {
		t.Errorf("console: %q", got)
	}
	var e map[string]any
	if err := json.Unmarshal(appendEntry(nil, false, levelInfo, ts, "l", []byte(`"status":200`)), &e); err != nil ||
		e["level"] != "info" || e["ts"] != float64(ts.UnixNano())/1e9 || e["logger"] != "l" || e["msg"] != "handled request" {
		t.Errorf("json: %v %v", e, err)
	}
}
