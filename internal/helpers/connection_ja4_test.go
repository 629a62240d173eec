package helpers

import (
	"crypto/tls"
	"testing"
)

// TestJA4 checks the fingerprint on the example of FoxIO's JA4 technical
// details (a Chrome ClientHello: 15 ciphers, 16 extensions, h2), with
// GREASE values added that must be ignored.
func TestJA4(t *testing.T) {
	h := &tls.ClientHelloInfo{
		CipherSuites: []uint16{0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0x1a1a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
			0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0x2a2a},
		SignatureSchemes:  []tls.SignatureScheme{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
		SupportedProtos:   []string{"h2", "http/1.1"},
		SupportedVersions: []uint16{0x3a3a, tls.VersionTLS13, tls.VersionTLS12},
		ServerName:        "example.com",
	}
	if got, want := JA4(h), "t13d1516h2_8daaf6152771_e5627efa2ab1"; got != want {
		t.Errorf("JA4 = %s, want %s", got, want)
	}
	// No SNI, no ALPN, TLS 1.2, no signature algorithms, no extensions.
	h = &tls.ClientHelloInfo{CipherSuites: []uint16{0xc02f}, SupportedVersions: []uint16{tls.VersionTLS12}}
	if got, want := JA4(h), "t12i010000_"+truncHash("c02f")+"_000000000000"; got != want {
		t.Errorf("bare JA4 = %s, want %s", got, want)
	}
	for protos, want := range map[string]string{"h2": "h2", "http/1.1": "h1", "\xab": "ab", "x-\x01": "71"} {
		if got := ja4ALPN([]string{protos}); got != want {
			t.Errorf("ja4ALPN(%q) = %s, want %s", protos, got, want)
		}
	}
}
