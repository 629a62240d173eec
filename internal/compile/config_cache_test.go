package compile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

// TestCheckedConfigsRepeat checks that remembering checked configurations
// skips only exact repeats: a route repeating a checked matcher with a
// handler that differs in one placeholder, or a matcher that differs in
// one field, is still checked and its error names that route.
func TestCheckedConfigsRepeat(t *testing.T) {
	good := `{"match":[{"path_regexp":{"name":"x","pattern":"^/a/([a-z]+)$"}}],"handle":[{"handler":"static_response","body":"{re.x.1}"}]}`
	for _, tc := range []struct {
		name, third, want string
	}{
		{"handler placeholder", `{"match":[{"path_regexp":{"name":"x","pattern":"^/a/([a-z]+)$"}}],"handle":[{"handler":"static_response","body":"{http.request.tls.version}"}]}`,
			`apps.http.servers.srv0.routes[2].handle[0].body: placeholder {http.request.tls.version} is not supported`},
		{"matcher placeholder", `{"match":[{"path_regexp":{"name":"x","pattern":"^/a/([a-z]+)$"},"header":{"X":["{http.request.tls.version}"]}}],"handle":[{"handler":"static_response","body":"{re.x.1}"}]}`,
			`apps.http.servers.srv0.routes[2].match[0].header.X[0]: placeholder {http.request.tls.version} is not supported`},
		{"handler config", `{"match":[{"path_regexp":{"name":"x","pattern":"^/a/([a-z]+)$"}}],"handle":[{"handler":"static_response","body":"{re.x.1}","status_code":103}]}`,
			`informational status 103 is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, routes := range []string{"[" + good + "," + good + "]", "[" + good + "," + good + "," + tc.third + "," + tc.third + "]"} {
				cfg, err := caddyconf.Parse([]byte(jsonServer(routes, "")))
				if err != nil {
					t.Fatal(err)
				}
				prog, err := caddyconf.Lower(cfg)
				if err != nil {
					t.Fatal(err)
				}
				_, err = Compile(prog, Options{})
				if !strings.Contains(routes, tc.third) {
					if err != nil {
						t.Fatalf("repeated good routes: %v", err)
					}
					continue
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want an error containing %q", err, tc.want)
				}
			}
		})
	}
}

// TestHandlerConfigIsMarshalled: the handler configuration the compiler
// builds by hand is byte for byte what marshalling helpers.CaddyHandler
// gives (bodies with HTML and non-ASCII characters, nested objects).
func TestHandlerConfigIsMarshalled(t *testing.T) {
	routes := `[{"handle":[{"handler":"static_response","body":"<a href=\"x\">&amp; é \u2028</a>","headers":{"X-A":["1","<2>"]}},` +
		`{"handler":"headers","response":{"set":{"X-B":["{http.request.uri}"]}}},{"handler":"vars","a":"b"}]}]`
	cfg, err := caddyconf.Parse([]byte(jsonServer(routes, "")))
	if err != nil {
		t.Fatal(err)
	}
	prog, err := caddyconf.Lower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range prog.Servers[0].Routes.Routes[0].Handlers {
		js, err := checkedConfigs(nil).handler(h)
		if err != nil {
			t.Fatal(err)
		}
		var ch helpers.CaddyHandler
		if err := json.Unmarshal([]byte(js), &ch); err != nil {
			t.Fatal(err)
		}
		if again, err := marshal(ch); err != nil || again != js {
			t.Fatalf("built %s\nmarshalled %s (%v)", js, again, err)
		}
	}
}
