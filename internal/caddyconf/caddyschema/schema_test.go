package caddyschema

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/caddyauth"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/encode"
	caddygzip "github.com/caddyserver/caddy/v2/modules/caddyhttp/encode/gzip"
	caddyzstd "github.com/caddyserver/caddy/v2/modules/caddyhttp/encode/zstd"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/fileserver"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/headers"
	maphandler "github.com/caddyserver/caddy/v2/modules/caddyhttp/map"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/requestbody"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/rewrite"
	"github.com/caddyserver/caddy/v2/modules/caddypki"
	"github.com/caddyserver/caddy/v2/modules/caddytls"
	"github.com/caddyserver/caddy/v2/modules/filestorage"
	"github.com/caddyserver/caddy/v2/modules/logging"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
	"github.com/mholt/acmez/v3/acme"

	. "github.com/zeroserve/zeroserve/internal/caddyconf"
)

// jsonNames returns the JSON member names of struct type t as
// encoding/json sees them (embedded structs flattened, "-" skipped).
func jsonNames(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			names = append(names, jsonNames(ft)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TestSchemaMatchesCaddy compares the JSON members of each model struct
// with those of the Caddy type it mirrors (Caddy is a test-only
// dependency): a member Caddy has and we lack would make Parse reject a
// valid config, one we have and Caddy lacks would accept an invalid one.
func TestSchemaMatchesCaddy(t *testing.T) {
	pairs := []struct {
		ours, caddys any
	}{
		{Config{}, caddy.Config{}},
		{Admin{}, caddy.AdminConfig{}},
		{AdminConfigSettings{}, caddy.ConfigSettings{}},
		{Logging{}, caddy.Logging{}},
		{SinkLog{}, caddy.SinkLog{}},
		{CustomLog{}, caddy.CustomLog{}},
		{LogSampling{}, caddy.LogSampling{}},
		{FileWriter{}, logging.FileWriter{}},
		{NetWriter{}, logging.NetWriter{}},
		{TextEncoder{}, logging.JSONEncoder{}},
		{TextEncoder{}, logging.ConsoleEncoder{}},
		{FilterEncoder{}, logging.FilterEncoder{}},
		{AppendEncoder{}, logging.AppendEncoder{}},
		{FileStorage{}, filestorage.FileStorage{}},
		{PKIApp{}, caddypki.PKI{}},
		{CA{}, caddypki.CA{}},
		{KeyPair{}, caddypki.KeyPair{}},

		{HTTPApp{}, caddyhttp.App{}},
		{Metrics{}, caddyhttp.Metrics{}},
		{Server{}, caddyhttp.Server{}},
		{ErrorConfig{}, caddyhttp.HTTPErrorConfig{}},
		{AutoHTTPS{}, caddyhttp.AutoHTTPSConfig{}},
		{ServerLogs{}, caddyhttp.ServerLogConfig{}},
		{Route{}, caddyhttp.Route{}},
		{MatchRegexp{}, caddyhttp.MatchRegexp{}},
		{MatchIP{}, caddyhttp.MatchRemoteIP{}},
		{MatchIP{}, caddyhttp.MatchClientIP{}},
		{MatchFile{}, fileserver.MatchFile{}},
		{MatchExpression{}, caddyhttp.MatchExpression{}},
		{StaticIPRanges{}, caddyhttp.StaticIPRange{}},
		{HTTPRedirectWrapper{}, caddyhttp.HTTPRedirectListenerWrapper{}},
		{ResponseMatcher{}, caddyhttp.ResponseMatcher{}},
		{ResponseHandler{}, caddyhttp.ResponseHandler{}},

		{StaticResponse{}, caddyhttp.StaticResponse{}},
		{StaticError{}, caddyhttp.StaticError{}},
		{Subroute{}, caddyhttp.Subroute{}},
		{Invoke{}, caddyhttp.Invoke{}},
		{Headers{}, headers.Handler{}},
		{HeaderOps{}, headers.HeaderOps{}},
		{RespHeaderOps{}, headers.RespHeaderOps{}},
		{Replacement{}, headers.Replacement{}},
		{Rewrite{}, rewrite.Rewrite{}},
		{MapHandler{}, maphandler.Handler{}},
		{Mapping{}, maphandler.Mapping{}},
		{RequestBody{}, requestbody.RequestBody{}},
		{Encode{}, encode.Encode{}},
		{Gzip{}, caddygzip.Gzip{}},
		{Zstd{}, caddyzstd.Zstd{}},
		{FileServer{}, fileserver.FileServer{}},
		{Browse{}, fileserver.Browse{}},
		{Authentication{}, caddyauth.Authentication{}},
		{HTTPBasicAuth{}, caddyauth.HTTPBasicAuth{}},
		{Account{}, caddyauth.Account{}},
		{CopyResponse{}, reverseproxy.CopyResponseHandler{}},
		{CopyResponseHeaders{}, reverseproxy.CopyResponseHeadersHandler{}},

		{ReverseProxy{}, reverseproxy.Handler{}},
		{Upstream{}, reverseproxy.Upstream{}},
		{LoadBalancing{}, reverseproxy.LoadBalancing{}},
		{HealthChecks{}, reverseproxy.HealthChecks{}},
		{ActiveHealthChecks{}, reverseproxy.ActiveHealthChecks{}},
		{PassiveHealthChecks{}, reverseproxy.PassiveHealthChecks{}},
		{HTTPTransport{}, reverseproxy.HTTPTransport{}},
		{TransportTLS{}, reverseproxy.TLSConfig{}},
		{KeepAlive{}, reverseproxy.KeepAlive{}},
		{UpstreamResolver{}, reverseproxy.UpstreamResolver{}},
		{AUpstreams{}, reverseproxy.AUpstreams{}},
		{SRVUpstreams{}, reverseproxy.SRVUpstreams{}},
		{MultiUpstreams{}, reverseproxy.MultiUpstreams{}},
		{IPVersions{}, reverseproxy.IPVersions{}},
		{WeightedRoundRobin{}, reverseproxy.WeightedRoundRobinSelection{}},
		{RandomChoose{}, reverseproxy.RandomChoiceSelection{}},
		{QueryPolicy{}, reverseproxy.QueryHashSelection{}},
		{HeaderPolicy{}, reverseproxy.HeaderHashSelection{}},
		{CookiePolicy{}, reverseproxy.CookieHashSelection{}},

		{TLSApp{}, caddytls.TLS{}},
		{CertCache{}, caddytls.CertCacheOptions{}},
		{CertKeyFiles{}, caddytls.CertKeyFilePair{}},
		{CertKeyPEM{}, caddytls.CertKeyPEMPair{}},
		{Automation{}, caddytls.AutomationConfig{}},
		{AutomationPolicy{}, caddytls.AutomationPolicy{}},
		{OnDemand{}, caddytls.OnDemandConfig{}},
		{PermissionByHTTP{}, caddytls.PermissionByHTTP{}},
		{HTTPCertGetter{}, caddytls.HTTPCertGetter{}},
		{ACMEIssuer{}, caddytls.ACMEIssuer{}},
		{ExternalAccount{}, acme.EAB{}},
		{Challenges{}, caddytls.ChallengesConfig{}},
		{HTTPChallenge{}, caddytls.HTTPChallengeConfig{}},
		{HTTPChallenge{}, caddytls.TLSALPNChallengeConfig{}},
		{DNSChallenge{}, caddytls.DNSChallengeConfig{}},
		{ChainPreference{}, caddytls.ChainPreference{}},
		{ZeroSSLIssuer{}, caddytls.ZeroSSLIssuer{}},
		{InternalIssuer{}, caddytls.InternalIssuer{}},
		{ConnectionPolicy{}, caddytls.ConnectionPolicy{}},
		{HandshakeIP{}, caddytls.MatchRemoteIP{}},
		{MatchIP{}, caddytls.MatchLocalIP{}},
		{MatchRegexp{}, caddytls.MatchRegexp{}},
		{CertSelection{}, caddytls.CustomCertSelectionPolicy{}},
		{ClientAuthentication{}, caddytls.ClientAuthentication{}},
		{InlineCAPool{}, caddytls.InlineCAPool{}},
		{FileCAPool{}, caddytls.FileCAPool{}},
		{PKICAPool{}, caddytls.PKIRootCAPool{}},
		{PKICAPool{}, caddytls.PKIIntermediateCAPool{}},
		{SystemCAPool{}, caddytls.SystemCAPool{}},
		{CombinedCAPool{}, caddytls.CombinedCAPool{}},
		{LeafVerifier{}, caddytls.LeafCertClientAuth{}},
		{LeafFileLoader{}, caddytls.LeafFileLoader{}},
		{LeafFolderLoader{}, caddytls.LeafFolderLoader{}},
		{LeafPEMLoader{}, caddytls.LeafPEMLoader{}},
	}
	for _, p := range pairs {
		ours, theirs := reflect.TypeOf(p.ours), reflect.TypeOf(p.caddys)
		got, want := jsonNames(ours), jsonNames(theirs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v vs Caddy's %v:\n ours  %v\n Caddy %v", ours, theirs, got, want)
		}
	}
}

// probe puts a module object m into a config where Caddy's namespace
// expects one.
type probe func(m string) string

func routes(r string) string {
	return `{"apps":{"http":{"servers":{"s":{"routes":` + r + `}}}}}`
}

func handler(h string) string { return routes(`[{"handle":[` + h + `]}]`) }

func server(fields string) string {
	return `{"apps":{"http":{"servers":{"s":{` + fields + `}}}}}`
}

func clientAuth(fields string) string {
	return server(`"tls_connection_policies":[{"client_authentication":{` + fields + `}}]`)
}

// TestModuleNamesMatchCaddy checks, through Parse, that every module name
// we accept is a module of Caddy's standard distribution in the namespace
// where it appears (zeroserve_call excepted: it is ours), and that an
// unknown name there is rejected as unsupported.
func TestModuleNamesMatchCaddy(t *testing.T) {
	inline := []struct {
		namespace, key string
		at             probe
		names          []string
	}{
		{"http.handlers", "handler", handler, []string{"static_response", "error", "headers", "rewrite", "vars", "map", "authentication",
			"request_body", "encode", "file_server", "reverse_proxy", "subroute", "invoke", "copy_response", "copy_response_headers"}},
		{"http.reverse_proxy.transport", "protocol", func(m string) string {
			return handler(`{"handler":"reverse_proxy","transport":` + m + `}`)
		}, []string{"http"}},
		{"http.reverse_proxy.selection_policies", "policy", func(m string) string {
			return handler(`{"handler":"reverse_proxy","load_balancing":{"selection_policy":` + m + `}}`)
		}, []string{"random", "least_conn", "round_robin", "first", "ip_hash", "client_ip_hash", "uri_hash",
			"weighted_round_robin", "random_choose", "query", "header", "cookie"}},
		{"http.reverse_proxy.upstreams", "source", func(m string) string {
			return handler(`{"handler":"reverse_proxy","dynamic_upstreams":` + m + `}`)
		}, []string{"a", "srv", "multi"}},
		{"http.authentication.hashes", "algorithm", func(m string) string {
			return handler(`{"handler":"authentication","providers":{"http_basic":{"hash":` + m + `}}}`)
		}, []string{"bcrypt", "argon2id"}},
		{"http.ip_sources", "source", func(m string) string { return server(`"trusted_proxies":` + m) }, []string{"static"}},
		{"caddy.listeners", "wrapper", func(m string) string { return server(`"listener_wrappers":[` + m + `]`) }, []string{"tls", "http_redirect"}},
		{"caddy.storage", "module", func(m string) string { return `{"storage":` + m + `}` }, []string{"file_system"}},
		{"tls.issuance", "module", func(m string) string {
			return `{"apps":{"tls":{"automation":{"policies":[{"issuers":[` + m + `]}]}}}}`
		}, []string{"acme", "zerossl", "internal"}},
		{"tls.permission", "module", func(m string) string {
			return `{"apps":{"tls":{"automation":{"on_demand":{"permission":` + m + `}}}}}`
		}, []string{"http"}},
		{"tls.get_certificate", "via", func(m string) string {
			return `{"apps":{"tls":{"automation":{"policies":[{"get_certificate":[` + m + `]}]}}}}`
		}, []string{"http"}},
		{"tls.ca_pool.source", "provider", func(m string) string { return clientAuth(`"ca":` + m) },
			[]string{"inline", "file", "pki_root", "pki_intermediate", "system", "combined"}},
		{"tls.client_auth.verifier", "verifier", func(m string) string { return clientAuth(`"verifiers":[` + m + `]`) }, []string{"leaf"}},
		{"tls.leaf_cert_loader", "loader", func(m string) string {
			return clientAuth(`"verifiers":[{"verifier":"leaf","leaf_certs_loaders":[` + m + `]}]`)
		}, []string{"file", "folder", "pem"}},
		{"caddy.logging.writers", "output", func(m string) string { return `{"logging":{"logs":{"l":{"writer":` + m + `}}}}` },
			[]string{"file", "stdout", "stderr", "discard", "net"}},
		{"caddy.logging.encoders", "format", func(m string) string { return `{"logging":{"logs":{"l":{"encoder":` + m + `}}}}` },
			[]string{"json", "console", "filter", "append"}},
	}
	for _, fam := range inline {
		for _, name := range fam.names {
			if _, err := Parse([]byte(fam.at(`{"` + fam.key + `":"` + name + `"}`))); err != nil {
				t.Errorf("%s.%s: %v", fam.namespace, name, err)
			}
			if _, err := caddy.GetModule(fam.namespace + "." + name); err != nil {
				t.Errorf("%s.%s is not a Caddy module: %v", fam.namespace, name, err)
			}
		}
		_, err := Parse([]byte(fam.at(`{"` + fam.key + `":"no_such_module"}`)))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `"no_such_module"`) {
			t.Errorf("%s: unknown module gave %v", fam.namespace, err)
		}
	}
	if _, err := Parse([]byte(handler(`{"handler":"zeroserve_call","script":"s","function":"f"}`))); err != nil {
		t.Errorf("zeroserve_call: %v", err)
	}
	// Module maps: every field is a Caddy module of the namespace, and
	// each is accepted where that namespace is used.
	maps := []struct {
		namespace string
		v         any
		at        probe
	}{
		{"http.matchers", MatcherSet{}, func(m string) string { return routes(`[{"match":[` + m + `]}]`) }},
		{"http.encoders", Encodings{}, func(m string) string { return handler(`{"handler":"encode","encodings":` + m + `}`) }},
		{"http.precompressed", Precompressed{}, func(m string) string { return handler(`{"handler":"file_server","precompressed":` + m + `}`) }},
		{"http.authentication.providers", AuthProviders{}, func(m string) string {
			return handler(`{"handler":"authentication","providers":` + m + `}`)
		}},
		{"tls.certificates", CertificateLoaders{}, func(m string) string { return `{"apps":{"tls":{"certificates":` + m + `}}}` }},
		{"tls.handshake_match", HandshakeMatchers{}, func(m string) string { return server(`"tls_connection_policies":[{"match":` + m + `}]`) }},
		{"", Apps{}, func(m string) string { return `{"apps":` + m + `}` }},
	}
	for _, mm := range maps {
		for _, name := range append(jsonNames(reflect.TypeOf(mm.v)), "no_such_module") {
			id := name
			if mm.namespace != "" {
				id = mm.namespace + "." + name
			}
			_, err := Parse([]byte(mm.at(`{"` + name + `":null}`)))
			if name == "no_such_module" {
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s: unknown module gave %v", id, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", id, err)
			}
			if _, err := caddy.GetModule(id); err != nil {
				t.Errorf("%s is not a Caddy module: %v", id, err)
			}
		}
	}
}
