package certs

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net"
	"slices"
	"testing"
)

// addrConn is a net.Conn with the given addresses (only they are used).
type addrConn struct {
	net.Conn
	remote, local net.Addr
}

func (c addrConn) RemoteAddr() net.Addr { return c.remote }
func (c addrConn) LocalAddr() net.Addr  { return c.local }

func hello(sni, remote string) *tls.ClientHelloInfo {
	return &tls.ClientHelloInfo{ServerName: sni, Conn: addrConn{
		remote: &net.TCPAddr{IP: net.ParseIP(remote), Port: 5555},
		local:  &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 443},
	}}
}

// TestServerTLSPolicies: each handshake gets the first matching policy's
// settings (SNI and remote IP matchers, drop), with Caddy's names for
// versions, cipher suites and curves, and client authentication.
func TestServerTLSPolicies(t *testing.T) {
	crt, _ := selfSigned(t, "ca.test")
	blk, _ := pem.Decode([]byte(crt))
	b64 := base64.StdEncoding.EncodeToString(blk.Bytes)
	cfg := parse(t, `{"apps":{"http":{"servers":{"s":{"listen":[":443"],"tls_connection_policies":[
		{"match":{"sni":["a.test"]},"protocol_min":"tls1.3","cipher_suites":["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],"curves":["x25519"],"alpn":["http/1.1"],
		 "client_authentication":{"ca":{"provider":"inline","trusted_ca_certs":["`+b64+`"]},"mode":"verify_if_given"}},
		{"match":{"remote_ip":{"ranges":["10.0.0.0/8"],"not_ranges":["10.9.0.0/16"]}},"drop":true},
		{"match":{"sni":["c.test"]},"client_authentication":{"trusted_ca_certs":["`+b64+`"]}},
		{}]}}}}}`)
	m, err := newManager(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := m.ServerTLS(cfg.Apps.HTTP.Servers["s"], "s")
	if err != nil {
		t.Fatal(err)
	}
	a, err := tc.GetConfigForClient(hello("A.TEST", "10.1.1.1"))
	if err != nil {
		t.Fatal(err)
	}
	if a.MinVersion != tls.VersionTLS13 || !slices.Equal(a.CipherSuites, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}) ||
		!slices.Equal(a.CurvePreferences, []tls.CurveID{tls.X25519}) || a.ClientAuth != tls.VerifyClientCertIfGiven || a.ClientCAs == nil ||
		!slices.Equal(a.NextProtos, []string{"http/1.1", "acme-tls/1"}) || a.GetCertificate == nil {
		t.Errorf("a.test policy: %+v", a)
	}
	if _, err := tc.GetConfigForClient(hello("b.test", "10.1.1.1")); !errors.Is(err, errDropped) {
		t.Errorf("10.1.1.1: %v, want dropped", err)
	}
	for _, c := range []struct{ sni, ip string }{{"b.test", "10.9.1.1"}, {"b.test", "127.0.0.1"}} {
		d, err := tc.GetConfigForClient(hello(c.sni, c.ip))
		if err != nil || d.MinVersion != tls.VersionTLS12 || d.ClientAuth != tls.NoClientCert {
			t.Errorf("%s from %s: %v %+v, want the catch-all policy", c.sni, c.ip, err, d)
		}
	}
	if c, err := tc.GetConfigForClient(hello("c.test", "127.0.0.1")); err != nil || c.ClientAuth != tls.RequireAndVerifyClientCert {
		t.Errorf("c.test: %v; trusted CAs without a mode should mean require_and_verify", err)
	}
	// Without a catch-all, an unmatched handshake is refused.
	cfg2 := parse(t, `{"apps":{"http":{"servers":{"s":{"listen":[":443"],"tls_connection_policies":[{"match":{"sni":["a.test"]}}]}}}}}`)
	tc2, err := m.ServerTLS(cfg2.Apps.HTTP.Servers["s"], "s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc2.GetConfigForClient(hello("z.test", "127.0.0.1")); !errors.Is(err, errNoPolicy) {
		t.Errorf("unmatched: %v", err)
	}
}
