//go:build caddyoracle

package caddydiff

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/server"
)

// Cases for the middleware handlers: encode, basic_auth
// (authentication), request_body.
func init() {
	big := strings.Repeat("compress this text please, ", 40)
	const (
		bcryptHash   = "$2a$04$uTkvRR8NNbPS2n0Y88CjhumBYegopU0qHdMzCFm4uJRUPyBetKcca" // "hunter2", cost 4
		bcryptBase64 = "JDJhJDA0JHVUa3ZSUjhOTmJQUzJuMFk4OENqaHVtQlllZ29wVTBxSGRNekNGbTR1SlJVUHlCZXRLY2Nh"
		argon2idHash = "$argon2id$v=19$m=47104,t=1,p=1$emVyb3NlcnZlLXNhbHQhIQ$wz/9wD6kcxfHgz915Ok+7npomiQLfjzpaxlSptEHYUI" // "hunter2"
		annOK        = "Authorization: Basic YW5uOmh1bnRlcjI="                                                             // ann:hunter2
		annBad       = "Authorization: Basic YW5uOmh1bnRlcjM="                                                             // ann:hunter3
		eve          = "Authorization: Basic ZXZlOmh1bnRlcjI="                                                             // eve:hunter2
	)
	addCases(
		Case{
			Name: "encode negotiation",
			Caddyfile: `:{PORT} {
	encode gzip zstd
	respond "` + big + `"
}`,
			Requests: []Request{
				Get("/", "Accept-Encoding: gzip"),
				Get("/", "Accept-Encoding: zstd"),
				Get("/", "Accept-Encoding: gzip, zstd"),
				Get("/", "Accept-Encoding: zstd;q=0.5, gzip;q=0.8"),
				Get("/", "Accept-Encoding: gzip;q=0, zstd;q=0"),
				Get("/", "Accept-Encoding: br, identity"),
				Get("/", "Accept-Encoding: *"),
				Get("/"),
				{Method: "HEAD", Target: "/", Header: []string{"Accept-Encoding: gzip"}},
			},
			Epoll: true,
		},
		Case{
			Name: "encode default prefer",
			Caddyfile: `:{PORT} {
	encode
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: gzip, zstd"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode levels",
			Caddyfile: `:{PORT} {
	encode {
		gzip 9
		zstd better
	}
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: zstd, gzip"), Get("/", "Accept-Encoding: zstd")},
		},
		Case{
			Name: "encode minimum_length",
			Caddyfile: `:{PORT} {
	encode gzip {
		minimum_length 100
	}
	respond /99 "` + strings.Repeat("a", 99) + `"
	respond /100 "` + strings.Repeat("a", 100) + `"
	respond /101 "` + strings.Repeat("a", 101) + `"
	respond /empty 200
}`,
			Requests: []Request{Get("/99", "Accept-Encoding: gzip"), Get("/100", "Accept-Encoding: gzip"),
				Get("/101", "Accept-Encoding: gzip"), Get("/empty", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode default match",
			Caddyfile: `:{PORT} {
	encode gzip
	header /png Content-Type image/png
	header /json Content-Type application/json
	header /svg Content-Type image/svg+xml
	header /html Content-Type "text/html; charset=utf-8"
	header /octet Content-Type application/octet-stream
	respond "` + big + `"
}`,
			Requests: []Request{Get("/png", "Accept-Encoding: gzip"), Get("/json", "Accept-Encoding: gzip"),
				Get("/svg", "Accept-Encoding: gzip"), Get("/html", "Accept-Encoding: gzip"), Get("/octet", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode match",
			Caddyfile: `:{PORT} {
	encode gzip {
		match {
			status 2xx
			header Content-Type text/plain*
		}
	}
	respond /ok "` + big + `"
	respond /teapot "` + big + `" 418
}`,
			Requests: []Request{Get("/ok", "Accept-Encoding: gzip"), Get("/teapot", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode response headers",
			Caddyfile: `:{PORT} {
	encode gzip
	header /etag ETag "\"abc\""
	header /weak ETag "W/\"abc\""
	header /ranges Accept-Ranges bytes
	header /vary Vary Accept-Encoding
	header /vary2 Vary Origin
	header /notransform Cache-Control "public, no-transform"
	header /already Content-Encoding br
	respond "` + big + `"
}`,
			Requests: []Request{Get("/etag", "Accept-Encoding: gzip"), Get("/weak", "Accept-Encoding: gzip"),
				Get("/ranges", "Accept-Encoding: gzip"), Get("/vary", "Accept-Encoding: gzip"), Get("/vary2", "Accept-Encoding: gzip"),
				Get("/notransform", "Accept-Encoding: gzip"), Get("/already", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode status without body",
			Caddyfile: `:{PORT} {
	encode gzip
	respond /304 304
	respond /204 204
}`,
			Requests: []Request{Get("/304", "Accept-Encoding: gzip"), Get("/204", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode and error routes",
			Caddyfile: `:{PORT} {
	encode gzip
	error /boom "` + big + `" 500
	respond "` + big + `"
	handle_errors {
		respond "{err.message}"
	}
}`,
			Requests: []Request{Get("/boom", "Accept-Encoding: gzip"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode proxied",
			Caddyfile: `:{PORT} {
	encode gzip
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{Get("/"+strings.Repeat("x", 600), "Accept-Encoding: gzip"), Get("/short", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode zstd only",
			Caddyfile: `:{PORT} {
	encode zstd
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: gzip"), Get("/", "Accept-Encoding: gzip, zstd;q=0.1"), Get("/", "Accept-Encoding: ZSTD")},
		},
		Case{
			Name: "encode file_server",
			Caddyfile: `:{PORT} {
	root * {ROOT}
	encode gzip zstd
	file_server
}`,
			Files: map[string]string{
				"index.html": "<html><body>" + big + "</body></html>",
				"app.js":     "function f() { return 1; }\n" + strings.Repeat("var x = f();\n", 60),
				"style.css":  "body { color: red; }",
				"logo.png":   "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00\x01", 400),
				"data.json":  "[" + strings.Repeat(`{"k":"v"},`, 80) + `{"k":"v"}]`,
			},
			Requests: []Request{
				Get("/", "Accept-Encoding: gzip"), Get("/app.js", "Accept-Encoding: zstd"), Get("/style.css", "Accept-Encoding: gzip"),
				Get("/logo.png", "Accept-Encoding: gzip"), Get("/data.json", "Accept-Encoding: gzip"),
				Get("/app.js", "Accept-Encoding: gzip", "Range: bytes=0-9"), {Method: "HEAD", Target: "/app.js", Header: []string{"Accept-Encoding: gzip"}},
				Get("/app.js"), Get("/missing", "Accept-Encoding: gzip"),
			},
			Epoll: true,
		},
		Case{
			Name: "encode argument order",
			Caddyfile: `:{PORT} {
	encode zstd gzip
	respond "` + big + `"
}`,
			Requests: []Request{Get("/", "Accept-Encoding: gzip, zstd"), Get("/", "Accept-Encoding: gzip;q=0.9, zstd;q=0.9"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode in error routes",
			Caddyfile: `:{PORT} {
	error /missing "gone" 404
	respond "` + big + `"
	handle_errors {
		encode gzip
		respond "` + big + ` {err.status_code}"
	}
}`,
			Requests: []Request{Get("/missing", "Accept-Encoding: gzip"), Get("/", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "encode partial and informational statuses",
			Caddyfile: `:{PORT} {
	encode gzip
	respond /206 "` + big + `" 206
	respond /299 "` + big + `" 299
	respond /404 "` + big + `" 404
}`,
			Requests: []Request{Get("/206", "Accept-Encoding: gzip"), Get("/299", "Accept-Encoding: gzip"), Get("/404", "Accept-Encoding: gzip")},
		},
		Case{
			Name: "basic_auth bcrypt",
			Caddyfile: `:{PORT} {
	basic_auth /private/* {
		ann ` + bcryptHash + `
		bob ` + bcryptBase64 + `
	}
	respond "user={http.auth.user.id}"
}`,
			Requests: []Request{Get("/private/x"), Get("/private/x", annOK), Get("/private/x", annBad), Get("/private/x", eve),
				Get("/private/x", "Authorization: Basic Ym9iOmh1bnRlcjI="), Get("/private/x", "Authorization: Bearer abc"),
				Get("/private/x", "Authorization: basic YW5uOmh1bnRlcjI="), Get("/private/x", "Authorization: Basic !!!"),
				Get("/public", annOK)},
			Epoll: true,
		},
		Case{
			Name: "basic_auth argon2id and realm",
			Caddyfile: `:{PORT} {
	basic_auth argon2id "Staff Only" {
		ann ` + argon2idHash + `
	}
	respond "user={http.auth.user.id}"
}`,
			Requests: []Request{Get("/"), Get("/", annOK), Get("/", annBad)},
		},
		Case{
			Name: "basic_auth error routes and cache",
			Caddyfile: `{
	servers {
	}
}
:{PORT} {
	route {
		basic_auth {
			ann ` + bcryptHash + `
		}
		respond "in {http.auth.user.id}"
	}
	handle_errors {
		respond "denied {err.status_code}"
	}
}`,
			Requests: []Request{Get("/"), Get("/", annOK), Get("/", annOK), Get("/", annBad)},
		},
		Case{
			Name: "basic_auth per path realms and encode",
			Caddyfile: `:{PORT} {
	encode gzip
	basic_auth /a/* bcrypt "Realm A" {
		ann ` + bcryptHash + `
	}
	basic_auth /b/* bcrypt "Realm B" {
		bob ` + bcryptHash + `
	}
	respond "` + big + ` {http.auth.user.id}"
}`,
			Requests: []Request{Get("/a/1", "Accept-Encoding: gzip"), Get("/b/1", "Accept-Encoding: gzip", annOK),
				Get("/a/1", "Accept-Encoding: gzip", annOK), Get("/b/1", "Authorization: Basic Ym9iOmh1bnRlcjI=")},
		},
		Case{
			Name: "request_body max_size",
			Caddyfile: `:{PORT} {
	request_body /limited* {
		max_size 10
	}
	respond "ok"
}`,
			Requests: []Request{
				{Method: "POST", Target: "/limited", Body: "0123456789"},
				{Method: "POST", Target: "/limited", Body: "0123456789A"},
				{Method: "POST", Target: "/other", Body: "0123456789A"},
				{Method: "GET", Target: "/limited"},
			},
			Epoll: true,
		},
		Case{
			Name: "request_body max_size error routes",
			Caddyfile: `:{PORT} {
	request_body {
		max_size 1KB
	}
	respond "ok"
	handle_errors {
		respond "too big: {err.status_code}"
	}
}`,
			Requests: []Request{
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 1000)},
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 1001)},
			},
		},
		Case{
			Name: "request_body proxied",
			Caddyfile: `:{PORT} {
	request_body {
		max_size 16
	}
	reverse_proxy {UPSTREAM}
}`,
			Requests: []Request{
				{Method: "POST", Target: "/", Body: "small"},
				{Method: "POST", Target: "/", Body: strings.Repeat("x", 17)},
			},
		},
	)
}

// accessLogCases are Caddyfiles with a log directive writing JSON to
// {ROOT}/access.log; both servers' lines are compared field by field.
var accessLogCases = []Case{
	{
		Name: "log json",
		Caddyfile: `:{PORT} {
	log {
		output file {ROOT}/access.log
		format json
	}
	respond /boom "down" 503
	respond "hello"
}`,
		Requests: []Request{
			Get("/", "User-Agent: diff/1", "Cookie: a=b", "Authorization: Basic eDp5"),
			Get("/a/b?q=1&r=%20x", "X-Multi: 1", "X-Multi: 2"),
			{Method: "HEAD", Target: "/head"},
			{Method: "DELETE", Target: "/boom"},
			GetHost("Example.COM", "/host"),
		},
	},
	{
		Name: "log skip and user",
		Caddyfile: `:{PORT} {
	log {
		output file {ROOT}/access.log
	}
	log_skip /health*
	basic_auth /private {
		ann $2a$04$uTkvRR8NNbPS2n0Y88CjhumBYegopU0qHdMzCFm4uJRUPyBetKcca
	}
	encode gzip
	respond "` + strings.Repeat("logged and compressed ", 40) + `"
}`,
		Requests: []Request{
			Get("/health"), Get("/private", "Authorization: Basic YW5uOmh1bnRlcjI="), Get("/private"),
			Get("/gz", "Accept-Encoding: gzip"), Get("/plain"),
		},
	},
	{
		Name: "log hosts",
		Caddyfile: `http://a.test:{PORT} {
	log {
		output file {ROOT}/access.log
	}
	respond "a"
}
http://b.test:{PORT} {
	respond "b"
}
http://:{PORT} {
	log {
		output file {ROOT}/access.log
	}
	respond "other"
}`,
		Requests: []Request{GetHost("a.test", "/"), GetHost("b.test", "/"), GetHost("c.test", "/"), GetHost("A.TEST", "/x")},
	},
}

// TestAccessLogDifferential serves each accessLogCases case with Caddy
// and with zeroserve (server.NewCaddyLogs, as `zeroserve run`) and
// compares the access log lines: level, logger, msg, the request (remote
// and client IP, proto, method, host, uri, headers), user_id, size,
// status and the response headers but Server (ts, duration and the
// remote port differ by nature; bytes_read is the body the server read,
// Caddy counts what handlers read).
func TestAccessLogDifferential(t *testing.T) {
	total, diffs := 0, 0
	for _, c := range accessLogCases {
		t.Run(c.Name, func(t *testing.T) {
			run := func(start func(src string, port int) (func(), error)) []map[string]any {
				root := t.TempDir()
				port := freePort(t)
				src := strings.NewReplacer("{PORT}", strconv.Itoa(port), "{ROOT}", root).Replace(withGlobals(c.Caddyfile))
				stop, err := start(src, port)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range c.Requests {
					send(port, r)
				}
				stop()
				data, err := os.ReadFile(filepath.Join(root, "access.log"))
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				var out []map[string]any
				for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
					if line == "" {
						continue
					}
					var e map[string]any
					if err := json.Unmarshal([]byte(strings.ReplaceAll(line, strconv.Itoa(port), "{PORT}")), &e); err != nil {
						t.Fatalf("%v: %s", err, line)
					}
					out = append(out, e)
				}
				return out
			}
			want := run(func(src string, _ int) (func(), error) {
				if err := startCaddyLogging(src); err != nil {
					return nil, err
				}
				return func() { stopCaddy() }, nil
			})
			got := run(func(src string, port int) (func(), error) {
				return startZeroserveLogging(src, port)
			})
			if len(got) != len(want) {
				diffs++
				t.Fatalf("%d lines, Caddy wrote %d", len(got), len(want))
			}
			for i := range want {
				total++
				for _, d := range logDiff(want[i], got[i]) {
					diffs++
					t.Errorf("line %d: %s", i, d)
				}
			}
		})
	}
	fmt.Printf("caddy access log differential: %d lines, %d differences\n", total, diffs)
}

// logDiff lists the compared fields on which z differs from c.
func logDiff(c, z map[string]any) []string {
	var out []string
	cmp := func(name string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			out = append(out, fmt.Sprintf("%s: caddy %v, zeroserve %v", name, a, b))
		}
	}
	for _, k := range []string{"level", "logger", "msg", "user_id", "size", "status"} {
		cmp(k, c[k], z[k])
	}
	cr, _ := c["request"].(map[string]any)
	zr, _ := z["request"].(map[string]any)
	for _, k := range []string{"remote_ip", "client_ip", "proto", "method", "host", "uri", "headers", "tls"} {
		cmp("request."+k, cr[k], zr[k])
	}
	ch, _ := c["resp_headers"].(map[string]any)
	zh, _ := z["resp_headers"].(map[string]any)
	delete(ch, "Server")
	delete(zh, "Server")
	cmp("resp_headers", ch, zh)
	return out
}

// startCaddyLogging runs the Caddyfile in Caddy with its logging config
// kept (startCaddy replaces it), the default log discarded.
func startCaddyLogging(src string) error {
	js, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(src), map[string]any{"filename": "Caddyfile"})
	if err != nil {
		return fmt.Errorf("caddy adapt: %w", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(js, &cfg); err != nil {
		return err
	}
	logging, _ := cfg["logging"].(map[string]any)
	if logging == nil {
		logging = map[string]any{}
		cfg["logging"] = logging
	}
	logs, _ := logging["logs"].(map[string]any)
	if logs == nil {
		logs = map[string]any{}
		logging["logs"] = logs
	}
	def, _ := logs["default"].(map[string]any)
	if def == nil {
		def = map[string]any{}
		logs["default"] = def
	}
	def["writer"] = map[string]any{"output": "discard"}
	if js, err = json.Marshal(cfg); err != nil {
		return err
	}
	return caddy.Load(js, true)
}

// startZeroserveLogging serves the Caddyfile with zeroserve and its
// access logs; the returned function stops both.
func startZeroserveLogging(src string, port int) (func(), error) {
	chain, err := compileZeroserve(src)
	if err != nil {
		return nil, err
	}
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(src))
	if err != nil {
		return nil, err
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		return nil, err
	}
	logs, _, err := server.NewCaddyLogs(cfg, cfg.Apps.HTTP.Servers["srv0"])
	if err != nil {
		return nil, err
	}
	srv, err := server.New(server.Config{
		Addr:      net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Threads:   1,
		Backend:   loop.Epoll,
		Handler:   &server.Scripts{Chain: chain},
		CaddyLogs: logs,
	})
	if err == nil {
		err = srv.Start()
	}
	if err != nil {
		logs.Close()
		chain.Close()
		return nil, err
	}
	return func() {
		srv.Close()
		logs.Close()
		chain.Close()
	}, nil
}
