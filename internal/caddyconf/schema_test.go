package caddyconf

import (
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

// TestModuleNamesMatchCaddy checks that every module name we accept is a
// module of Caddy's standard distribution in the right namespace (except
// zeroserve_call, which is ours).
func TestModuleNamesMatchCaddy(t *testing.T) {
	families := []struct {
		namespace string
		f         family
		names     []string
	}{
		{"http.handlers", handlers{}, []string{"static_response", "error", "headers", "rewrite", "vars", "map", "authentication",
			"request_body", "encode", "file_server", "reverse_proxy", "subroute", "invoke", "copy_response", "copy_response_headers"}},
		{"http.reverse_proxy.transport", transports{}, []string{"http"}},
		{"http.reverse_proxy.selection_policies", selectionPolicies{}, []string{"random", "least_conn", "round_robin", "first",
			"ip_hash", "client_ip_hash", "uri_hash", "weighted_round_robin", "random_choose", "query", "header", "cookie"}},
		{"http.reverse_proxy.upstreams", upstreamSources{}, []string{"a", "srv", "multi"}},
		{"http.authentication.hashes", hashes{}, []string{"bcrypt", "argon2id"}},
		{"http.ip_sources", ipSources{}, []string{"static"}},
		{"caddy.listeners", listenerWrappers{}, []string{"tls", "http_redirect"}},
		{"caddy.storage", storages{}, []string{"file_system"}},
		{"tls.issuance", issuers{}, []string{"acme", "zerossl", "internal"}},
		{"tls.permission", permissions{}, []string{"http"}},
		{"tls.get_certificate", certManagers{}, []string{"http"}},
		{"tls.ca_pool.source", caPools{}, []string{"inline", "file", "pki_root", "pki_intermediate", "system", "combined"}},
		{"tls.client_auth.verifier", verifiers{}, []string{"leaf"}},
		{"tls.leaf_cert_loader", leafLoaders{}, []string{"file", "folder", "pem"}},
		{"caddy.logging.writers", logWriters{}, []string{"file", "stdout", "stderr", "discard", "net"}},
		{"caddy.logging.encoders", logEncoders{}, []string{"json", "console", "filter", "append"}},
	}
	for _, fam := range families {
		for _, name := range fam.names {
			m := fam.f.newModule(name)
			if m == nil {
				t.Errorf("%s: %q not accepted", fam.namespace, name)
				continue
			}
			if m.ModuleName() != name {
				t.Errorf("%s: %q builds a module named %q", fam.namespace, name, m.ModuleName())
			}
			if _, err := caddy.GetModule(fam.namespace + "." + name); err != nil {
				t.Errorf("%s.%s is not a Caddy module: %v", fam.namespace, name, err)
			}
		}
		if fam.f.newModule("no_such_module") != nil {
			t.Errorf("%s: unknown name accepted", fam.namespace)
		}
	}
	if m := (handlers{}).newModule("zeroserve_call"); m == nil || m.ModuleName() != "zeroserve_call" {
		t.Error("zeroserve_call not accepted")
	}
	// Module maps: every field is a Caddy module of the namespace.
	maps := []struct {
		namespace string
		v         any
	}{
		{"http.matchers", MatcherSet{}},
		{"http.encoders", Encodings{}},
		{"http.precompressed", Precompressed{}},
		{"http.authentication.providers", AuthProviders{}},
		{"tls.certificates", CertificateLoaders{}},
		{"tls.handshake_match", HandshakeMatchers{}},
	}
	for _, mm := range maps {
		for _, name := range jsonNames(reflect.TypeOf(mm.v)) {
			if _, err := caddy.GetModule(mm.namespace + "." + name); err != nil {
				t.Errorf("%s.%s is not a Caddy module: %v", mm.namespace, name, err)
			}
		}
	}
	for _, app := range jsonNames(reflect.TypeOf(Apps{})) {
		if _, err := caddy.GetModule(app); err != nil {
			t.Errorf("app %s is not a Caddy module: %v", app, err)
		}
	}
}
