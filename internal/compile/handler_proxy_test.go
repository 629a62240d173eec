package compile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/caddyfile"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

// proxyConfig adapts a Caddyfile whose only handler is reverse_proxy and
// converts it.
func proxyConfig(t *testing.T, directive string) (*helpers.CaddyReverseProxy, error) {
	t.Helper()
	js, _, err := caddyfile.Adapt("Caddyfile", []byte(":8080 {\n"+directive+"\n}\n"))
	if err != nil {
		t.Fatalf("adapt: %v", err)
	}
	cfg, err := caddyconf.Parse(js)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatalf("lower: %v", err)
	}
	_, err = Compile(prog, Options{})
	if err != nil {
		return nil, err
	}
	var rp *caddyconf.ReverseProxy
	var walk func(routes []caddyconf.Route)
	walk = func(routes []caddyconf.Route) {
		for _, r := range routes {
			for _, h := range r.Handle {
				if m, ok := h.Value.(*caddyconf.ReverseProxy); ok {
					rp = m
				}
			}
		}
	}
	for _, s := range cfg.Apps.HTTP.Servers {
		walk(s.Routes)
	}
	if rp == nil {
		t.Fatal("no reverse_proxy handler")
	}
	return reverseProxyConfig("handler", rp)
}

func TestReverseProxyConfig(t *testing.T) {
	rp, err := proxyConfig(t, `	reverse_proxy 10.0.0.1:80 10.0.0.2:80 {
		lb_policy cookie lbc s3cret {
			fallback first
		}
		lb_retries 2
		lb_try_duration 5s
		lb_try_interval 100ms
		lb_retry_match {
			method POST
		}
		fail_duration 30s
		max_fails 3
		unhealthy_status 5xx
		health_uri /healthz
		health_interval 10s
		health_status 2xx
		health_body ^ok
		header_up Host {upstream_hostport}
		header_down -Server
		trusted_proxies 192.0.2.0/24
		transport http {
			dial_timeout 2s
			read_timeout 9s
			keepalive 30s
			tls_insecure_skip_verify
			tls_server_name backend.internal
			versions 1.1
		}
	}`)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(rp)
	for _, want := range []string{
		`"upstreams":[{"dial":"10.0.0.1:80"},{"dial":"10.0.0.2:80"}]`,
		`"policy":{"name":"cookie","cookie":"lbc","secret":"s3cret","fallback":{"name":"first"}}`,
		`"retries":2`, `"retry_match":[{"method":["POST"]}]`, `"try_duration":5000000000`, `"try_interval":100000000`,
		`"fail_duration":30000000000`, `"max_fails":3`, `"unhealthy_status":[5]`,
		`"uri":"/healthz"`, `"expect_status":2`, `"expect_body":"^ok"`,
		`"header_up":{"set":{"Host":["{http.reverse_proxy.upstream.hostport}"]}}`,
		`"header_down":{"delete":["Server"]}`, `"trusted_proxies":["192.0.2.0/24"]`,
		`"dial_timeout":2000000000`, `"read_timeout":9000000000`, `"idle_timeout":30000000000`,
		`"tls":{"insecure_skip_verify":true,"server_name":"backend.internal"}`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
}

func TestReverseProxyConfigRejects(t *testing.T) {
	for _, c := range []struct{ directive, want string }{
		{"reverse_proxy 10.0.0.1:80 {\n\t\trequest_buffers 4k\n\t}", `unsupported reverse_proxy field "request_buffers"`},
		{"reverse_proxy 10.0.0.1:80 {\n\t\ttransport http {\n\t\t\tversions 2\n\t\t}\n\t}", `HTTP version "2" to upstreams is not supported`},
		{"reverse_proxy 10.0.0.1:80 {\n\t\ttransport http {\n\t\t\twrite_timeout 5s\n\t\t}\n\t}", `unsupported http transport field "write_timeout"`},
		{"reverse_proxy 10.0.0.1:80 {\n\t\t@e status 500\n\t\thandle_response @e {\n\t\t\trespond \"x\"\n\t\t}\n\t}", `unsupported reverse_proxy field "handle_response"`},
		{"reverse_proxy unix//run/x.sock|0600", `unsupported upstream "unix//run/x.sock|0600"`},
		{"reverse_proxy unix//run/x.sock {\n\t\thealth_uri /h\n\t}", `unsupported upstream "unix//run/x.sock with active health checks"`},
		{"reverse_proxy 10.0.0.1:80 {\n\t\theader_up X-Lat {http.reverse_proxy.upstream.latency}\n\t}", `placeholder {http.reverse_proxy.upstream.latency} is not supported`},
	} {
		_, err := proxyConfig(t, c.directive)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.directive, err, c.want)
		}
	}
}

// FuzzReverseProxyConfig: any reverse_proxy handler JSON the strict model
// accepts is converted or rejected with an error, never a panic, and a
// converted one is accepted by the helper that runs it.
func FuzzReverseProxyConfig(f *testing.F) {
	for _, s := range []string{
		`{"upstreams":[{"dial":"10.0.0.1:80"},{"dial":"[::1]:81","max_requests":3}],"load_balancing":{"selection_policy":{"policy":"cookie","name":"c","fallback":{"policy":"header","field":"X"}},"retries":2,"try_duration":1000}}`,
		`{"upstreams":[{"dial":"a:1"}],"health_checks":{"active":{"uri":"/h","interval":5,"expect_body":"ok("},"passive":{"fail_duration":1,"unhealthy_status":[5]}},"headers":{"request":{"set":{"Host":["{http.reverse_proxy.upstream.hostport}"]}},"response":{"require":{"status_code":[2]},"delete":["X"]}}}`,
		`{"upstreams":[{"dial":"a:1"}],"transport":{"protocol":"http","tls":{"ca":{"provider":"file","pem_files":["x"]}},"versions":["1.1","2"],"keep_alive":{"enabled":false}},"trusted_proxies":["1.2.3.0/24","bad"]}`,
		`{"upstreams":[{"dial":"a:1"}],"load_balancing":{"selection_policy":{"policy":"weighted_round_robin","weights":[0,-1]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := caddyconf.Parse([]byte(jsonServer(`[{"handle":[{"handler":"reverse_proxy",`+strings.TrimPrefix(string(data), "{")+`]}]`, "")))
		if err != nil || len(cfg.Apps.HTTP.Servers["srv0"].Routes) == 0 {
			return
		}
		rp, ok := cfg.Apps.HTTP.Servers["srv0"].Routes[0].Handle[0].Value.(*caddyconf.ReverseProxy)
		if !ok {
			return
		}
		conv, err := reverseProxyConfig("handler", rp)
		if err != nil {
			return
		}
		body, err := marshal(conv)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := marshal(helpers.CaddyHandler{Handler: "reverse_proxy", Config: json.RawMessage(body)})
		_ = helpers.CheckCaddyConfig("zs_caddy_handle", []byte(js)) // may reject (bad regexp, range): never panic
	})
}
