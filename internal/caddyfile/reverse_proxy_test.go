package caddyfile

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// directiveCase is a site-block snippet and the JSON of the first route
// Caddy makes of it (worked out from Caddy's source where the adapter
// corpus has no case), or a substring of the error it must give.
type directiveCase struct {
	name    string
	snippet string
	route   string // the first route of srv0, as JSON
	err     string
}

// runDirectiveCases adapts each snippet inside a ":80" site and compares
// the first route of the server with the expected one.
func runDirectiveCases(t *testing.T, cases []directiveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Adapt("Caddyfile", []byte(":80\n\n"+tc.snippet+"\n"))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cfg struct {
				Apps struct {
					HTTP struct {
						Servers map[string]struct {
							Routes []json.RawMessage `json:"routes"`
						} `json:"servers"`
					} `json:"http"`
				} `json:"apps"`
			}
			if err := json.Unmarshal(out, &cfg); err != nil {
				t.Fatal(err)
			}
			routes := cfg.Apps.HTTP.Servers["srv0"].Routes
			if len(routes) == 0 {
				t.Fatalf("no routes in %s", out)
			}
			if !sameJSON(t, routes[0], []byte(tc.route)) {
				t.Errorf("route: got\n%s\nwant\n%s", routes[0], tc.route)
			}
		})
	}
}

func TestReverseProxyLoadBalancing(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name: "cookie with nested fallbacks",
			snippet: `reverse_proxy a:1 b:2 {
	lb_policy cookie lb_name secret {
		fallback query key {
			fallback first
		}
		max_age 1h
	}
	lb_retries 2
	lb_try_duration 5s
	lb_try_interval 250ms
}`,
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"},{"dial":"b:2"}],
				"load_balancing":{"retries":2,"try_duration":5000000000,"try_interval":250000000,
				"selection_policy":{"policy":"cookie","name":"lb_name","secret":"secret","max_age":3600000000000,
				"fallback":{"policy":"query","key":"key","fallback":{"policy":"first"}}}}}]}`,
		},
		{
			name:    "random_choose",
			snippet: "reverse_proxy a:1 {\n\tlb_policy random_choose 3\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"load_balancing":{"selection_policy":{"policy":"random_choose","choose":3}}}]}`,
		},
		{
			name:    "header",
			snippet: "reverse_proxy a:1 {\n\tlb_policy header X-Tenant\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"load_balancing":{"selection_policy":{"policy":"header","field":"X-Tenant"}}}]}`,
		},
		{
			name:    "plain policies",
			snippet: "reverse_proxy a:1 {\n\tlb_policy client_ip_hash\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"load_balancing":{"selection_policy":{"policy":"client_ip_hash"}}}]}`,
		},
		{name: "unknown policy", snippet: "reverse_proxy a:1 {\n\tlb_policy fastest\n}", err: "selection_policies.fastest"},
		{name: "policy twice", snippet: "reverse_proxy a:1 {\n\tlb_policy first\n\tlb_policy random\n}", err: "already specified"},
		{name: "negative weight", snippet: "reverse_proxy a:1 {\n\tlb_policy weighted_round_robin 1 -2\n}", err: "non-negative"},
		{name: "argument to random", snippet: "reverse_proxy a:1 {\n\tlb_policy random 2\n}", err: "wrong argument count"},
		{name: "cookie max_age zero", snippet: "reverse_proxy a:1 {\n\tlb_policy cookie {\n\t\tmax_age 0s\n\t}\n}", err: "max_age should be non-zero"},
	})
}

func TestReverseProxyTransportHTTP(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name: "all options",
			snippet: `reverse_proxy https://example.com {
	transport http {
		read_buffer 4KiB
		write_buffer 1MB
		max_response_header 1k
		dial_timeout 5s
		dial_fallback_delay 300ms
		response_header_timeout 10s
		expect_continue_timeout 1s
		read_timeout 1m
		write_timeout 2m
		proxy_protocol v2
		resolvers 1.1.1.1 8.8.8.8
		tls_client_auth cert.pem key.pem
		tls_insecure_skip_verify
		tls_curves x25519
		tls_timeout 3s
		tls_trusted_ca_certs ca.pem
		tls_server_name example.com
		tls_renegotiation once
		tls_except_ports 8080
		keepalive 30s
		keepalive_interval 15s
		keepalive_idle_conns 10
		keepalive_idle_conns_per_host 2
		versions 1.1 2
		compression off
		max_conns_per_host 5
		local_address 10.0.0.1
		network_proxy url http://proxy:3128
	}
}`,
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"example.com:443"}],"transport":{
				"protocol":"http","read_buffer_size":4096,"write_buffer_size":1000000,"max_response_header_size":1000,
				"dial_timeout":5000000000,"dial_fallback_delay":300000000,"response_header_timeout":10000000000,
				"expect_continue_timeout":1000000000,"read_timeout":60000000000,"write_timeout":120000000000,
				"proxy_protocol":"v2","resolver":{"addresses":["1.1.1.1","8.8.8.8"]},
				"tls":{"client_certificate_file":"cert.pem","client_certificate_key_file":"key.pem","insecure_skip_verify":true,
					"curves":["x25519"],"handshake_timeout":3000000000,"root_ca_pem_files":["ca.pem"],"server_name":"example.com",
					"renegotiation":"once","except_ports":["8080"]},
				"keep_alive":{"idle_timeout":30000000000,"probe_interval":15000000000,"max_idle_conns":10,"max_idle_conns_per_host":2},
				"versions":["1.1","2"],"compression":false,"max_conns_per_host":5,"local_address":"10.0.0.1",
				"network_proxy":{"from":"url","url":"http://proxy:3128"}}}]}`,
		},
		{
			name:    "https upstream enables tls",
			snippet: "reverse_proxy https://a.example",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a.example:443"}],"transport":{"protocol":"http","tls":{}}}]}`,
		},
		{
			name:    "default transport is left out",
			snippet: "reverse_proxy a:1 {\n\ttransport http\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}]}]}`,
		},
		{
			name:    "keepalive off and client auth automation",
			snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\tkeepalive off\n\t\ttls_client_auth my.example\n\t\tnetwork_proxy none\n\t}\n}",
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"transport":{"protocol":"http",
				"keep_alive":{"enabled":false},"tls":{"client_certificate_automate":"my.example"},"network_proxy":{"from":"none"}}}]}`,
		},
		{name: "http scheme with tls", snippet: "reverse_proxy http://a {\n\ttransport http {\n\t\ttls\n\t}\n}", err: "scheme is HTTP but transport is configured for HTTP+TLS"},
		{name: "unknown option", snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\tmax_idle_conns_per_host 2\n\t}\n}", err: "unrecognized subdirective max_idle_conns_per_host"},
		{name: "bad proxy protocol", snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\tproxy_protocol v3\n\t}\n}", err: "invalid proxy protocol version"},
		{name: "bad size", snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\tread_buffer lots\n\t}\n}", err: "invalid read buffer size"},
		{name: "transport twice", snippet: "reverse_proxy a:1 {\n\ttransport http\n\ttransport http\n}", err: "transport already specified"},
		{
			name:    "trust pool",
			snippet: "reverse_proxy https://a {\n\ttransport http {\n\t\ttls_trust_pool file ca.pem {\n\t\t\tpem_file ca2.pem\n\t\t}\n\t}\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:443"}],"transport":{"protocol":"http","tls":{"ca":{"provider":"file","pem_files":["ca.pem","ca2.pem"]}}}}]}`,
		},
		{name: "trust pool and ca certs", snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\ttls_trusted_ca_certs a.pem\n\t\ttls_trust_pool system\n\t}\n}", err: "cannot specify both"},
		{name: "trust pool twice", snippet: "reverse_proxy a:1 {\n\ttransport http {\n\t\ttls_trust_pool system\n\t\ttls_trust_pool system\n\t}\n}", err: "twice"},
		{name: "unknown transport", snippet: "reverse_proxy a:1 {\n\ttransport grpc\n}", err: "transport.grpc"},
	})
}

func TestReverseProxyUpstreams(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name:    "h2c",
			snippet: "reverse_proxy h2c://a:8080",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:8080"}],"transport":{"protocol":"http","versions":["h2c","2"]}}]}`,
		},
		{
			name:    "unix socket and to",
			snippet: "reverse_proxy {\n\tto unix//run/app.sock\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"unix//run/app.sock"}]}]}`,
		},
		{
			name:    "url port range and ipv6",
			snippet: "reverse_proxy http://[::1]:8001-8002",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"[::1]:8001"},{"dial":"[::1]:8002"}]}]}`,
		},
		{name: "mixed schemes", snippet: "reverse_proxy http://a https://b", err: "must use the same scheme"},
		{name: "websocket scheme", snippet: "reverse_proxy ws://a", err: "use http:// instead"},
		{name: "path in url", snippet: "reverse_proxy http://a/b", err: "only support scheme, host, and port"},
		{name: "conflicting port", snippet: "reverse_proxy https://a:80", err: "conflicting scheme (https://)"},
		{name: "range too wide", snippet: "reverse_proxy a:0-65535", err: "port range exceeds 65535 ports"},
		{name: "socket not writable", snippet: "reverse_proxy unix//s.sock|0444", err: "permissions at least"},
		{
			name:    "socket permission bits",
			snippet: "reverse_proxy unix//s.sock|0600",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"unix//s.sock|0600"}]}]}`,
		},
		{name: "reversed range", snippet: "reverse_proxy a:9-8", err: "end port must not be less than start port"},
		{name: "to without args", snippet: "reverse_proxy {\n\tto\n}", err: "wrong argument count"},
		{name: "dynamic is rejected", snippet: "reverse_proxy {\n\tdynamic a example.com 80\n}", err: `unsupported reverse_proxy subdirective "dynamic"`},
		{name: "fastcgi is rejected", snippet: "reverse_proxy a:1 {\n\ttransport fastcgi\n}", err: `unsupported reverse_proxy transport "fastcgi"`},
	})
}

func TestReverseProxyOptions(t *testing.T) {
	runDirectiveCases(t, []directiveCase{
		{
			name: "health checks",
			snippet: `reverse_proxy a:1 {
	health_uri /healthz?x=1
	health_upstream b:9000
	health_interval 10s
	health_timeout 2s
	health_passes 2
	health_fails 3
	health_status 2xx
	health_body ^ok$
	health_follow_redirects
	fail_duration 30s
	max_fails 4
	unhealthy_status 5xx 429
	unhealthy_latency 1s
	unhealthy_request_count 100
}`,
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"health_checks":{
				"active":{"uri":"/healthz?x=1","upstream":"b:9000","interval":10000000000,"timeout":2000000000,
					"passes":2,"fails":3,"expect_status":2,"expect_body":"^ok$","follow_redirects":true},
				"passive":{"fail_duration":30000000000,"max_fails":4,"unhealthy_status":[5,429],
					"unhealthy_latency":1000000000,"unhealthy_request_count":100}}}]}`,
		},
		{
			name: "streaming, buffers, rewrite, headers",
			snippet: `reverse_proxy a:1 {
	flush_interval -1
	stream_timeout 1h
	stream_close_delay 5m
	request_buffers 4k
	response_buffers unlimited
	stream_buffer_size 64KiB
	method POST
	rewrite /api{uri}
	trusted_proxies private_ranges 203.0.113.0/24
	verbose_logs
	proxy_status_name edge
	header_up Host {upstream_hostport}
	header_up +X-A a
	header_up -X-B
	header_up X-C ^a b
	header_down -Server
}`,
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],
				"flush_interval":-1,"stream_timeout":3600000000000,"stream_close_delay":300000000000,
				"request_buffers":4000,"response_buffers":-1,"stream_buffer_size":65536,
				"rewrite":{"method":"POST","uri":"/api{http.request.uri}"},
				"trusted_proxies":["192.168.0.0/16","172.16.0.0/12","10.0.0.0/8","127.0.0.1/8","fd00::/8","::1","203.0.113.0/24"],
				"verbose_logs":true,"proxy_status_name":"edge",
				"headers":{"request":{"set":{"Host":["{http.reverse_proxy.upstream.hostport}"]},"add":{"X-A":["a"]},
					"delete":["X-B"],"replace":{"X-C":[{"search_regexp":"^a","replace":"b"}]}},
					"response":{"delete":["Server"]}}}]}`,
		},
		{
			name: "replace_status and handle_response",
			snippet: `reverse_proxy a:1 {
	@err status 5xx
	@accel header X-Accel-Redirect *
	handle_response {
		copy_response 502
	}
	replace_status @err 503
	handle_response @accel {
		copy_response_headers {
			include Foo
			exclude Bar
		}
	}
}`,
			route: `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"handle_response":[
				{"match":{"status_code":[5]},"status_code":503},
				{"match":{"headers":{"X-Accel-Redirect":["*"]}},"routes":[{"handle":[{"handler":"copy_response_headers","include":["Foo"],"exclude":["Bar"]}]}]},
				{"routes":[{"handle":[{"handler":"copy_response","status_code":502}]}]}]}]}`,
		},
		{
			name:    "empty response matcher",
			snippet: "reverse_proxy a:1 {\n\t@any {\n\t}\n\treplace_status @any 200\n}",
			route:   `{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"a:1"}],"handle_response":[{"match":{},"status_code":200}]}]}`,
		},
		{name: "unknown response matcher", snippet: "reverse_proxy a:1 {\n\treplace_status @nope 503\n}", err: "no named response matcher defined with name 'nope'"},
		{name: "replace_status block", snippet: "reverse_proxy a:1 {\n\treplace_status 503 {\n\t\trespond x\n\t}\n}", err: "use 'handle_response' instead"},
		{name: "matcher defined twice", snippet: "reverse_proxy a:1 {\n\t@e status 500\n\t@e status 502\n}", err: "matcher is defined more than once: @e"},
		{name: "bad response matcher", snippet: "reverse_proxy a:1 {\n\t@e path /x\n}", err: "unrecognized response matcher path"},
		{name: "default header on request", snippet: "reverse_proxy a:1 {\n\theader_up ?X-A b\n}", err: "can only be used on response headers"},
		{name: "bad buffer size", snippet: "reverse_proxy a:1 {\n\trequest_buffers 4 parsecs\n}", err: "wrong argument count"},
		{name: "bad duration", snippet: "reverse_proxy a:1 {\n\tflush_interval soon\n}", err: "bad duration value 'soon'"},
		{name: "health_port after health_upstream", snippet: "reverse_proxy a:1 {\n\thealth_upstream b:1\n\thealth_port 2\n}", err: "ignored if 'health_upstream' is used"},
		{name: "unknown subdirective", snippet: "reverse_proxy a:1 {\n\tbogus\n}", err: "unrecognized subdirective bogus"},
		{name: "copy_response bad status", snippet: "reverse_proxy a:1 {\n\thandle_response {\n\t\tcopy_response teapot\n\t}\n}", err: "expecting one positive integer"},
	})
}

// TestReverseProxyUnsupportedIsTyped checks that what we reject on purpose
// surfaces as an *UnsupportedError with the line of the offending token.
func TestReverseProxyUnsupportedIsTyped(t *testing.T) {
	_, _, err := Adapt("Caddyfile", []byte(":80\n\nreverse_proxy a:1 {\n\ttransport http {\n\t\ttls_trust_pool http {\n\t\t\tendpoints https://ca\n\t\t}\n\t}\n}\n"))
	var unsup *UnsupportedError
	if !errors.As(err, &unsup) {
		t.Fatalf("got %v, want an *UnsupportedError", err)
	}
	if unsup.Line != 5 || unsup.Name != "http" {
		t.Errorf("got line %d name %q, want line 5 name http", unsup.Line, unsup.Name)
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]uint64{
		"0": 0, "512": 512, "4k": 4000, "4KB": 4000, "4KiB": 4096, "1.5 MiB": 1572864,
		"1,024": 1024, "2g": 2e9, "1 TiB": 1 << 40, "3e": 3e18, "7b": 7,
	} {
		got, err := parseByteSize(in)
		if err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "k", "4 parsecs", "-1", "20EiB"} {
		if got, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q) = %d, want an error", in, got)
		}
	}
}
