package helpers

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// ConnInfo is what zs_connection_info reports about a TLS connection; the
// server fills it once, when the handshake is done.
type ConnInfo struct {
	// ALPN is the negotiated application protocol, "" when none.
	ALPN string
	// SNI is the server name the client asked for, "" when none.
	SNI string
	// JA4 is the ClientHello's JA4 fingerprint (JA4).
	JA4 string
	// PeerCertificates is the client's certificate chain, leaf first.
	PeerCertificates []*x509.Certificate
}

func init() {
	table = append(table, struct {
		name string
		fn   vm.HelperFunc
	}{"zs_connection_info", zsConnectionInfo})
}

// connJSON is the document zs_connection_info returns.
type connJSON struct {
	TLS                  bool    `json:"tls"`
	TLSHandshakeComplete bool    `json:"tls_handshake_complete"`
	ALPN                 *string `json:"alpn"`
	SNI                  struct {
		Inner *string `json:"inner"`
		Outer *string `json:"outer"`
	} `json:"sni"`
	ECH         *struct{} `json:"ech"`
	Fingerprint struct {
		JA4 *string `json:"ja4"`
	} `json:"fingerprint"`
	TLSClient struct {
		Certificate *certJSON `json:"certificate"`
		Chain       []string  `json:"chain_fingerprints_sha256"`
	} `json:"tls_client"`
}

type certJSON struct {
	FingerprintSHA256 string `json:"fingerprint_sha256"`
	Subject           string `json:"subject"`
	Issuer            string `json:"issuer"`
	Serial            string `json:"serial"`
}

// orNull is s, or JSON null when s is empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func certFingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// connectionDoc builds the zs_connection_info document of ex.
func connectionDoc(ex *Exchange) ([]byte, error) {
	var d connJSON
	d.TLSClient.Chain = []string{}
	if ci := ex.Conn; ci != nil && ex.Req.TLS {
		d.TLS, d.TLSHandshakeComplete = true, true
		d.ALPN = orNull(ci.ALPN)
		d.SNI.Inner, d.SNI.Outer = orNull(ci.SNI), orNull(ci.SNI) // no ECH: both are the one SNI
		d.Fingerprint.JA4 = orNull(ci.JA4)
		for i, c := range ci.PeerCertificates {
			if i == 0 {
				d.TLSClient.Certificate = &certJSON{certFingerprint(c), c.Subject.String(), c.Issuer.String(), hex.EncodeToString(c.SerialNumber.Bytes())}
			}
			d.TLSClient.Chain = append(d.TLSClient.Chain, certFingerprint(c))
		}
	}
	return json.Marshal(&d)
}

// zsConnectionInfo is zs_connection_info() -> handle to a JSON object
// describing the client connection (sdk/zeroserve.h lists its fields).
func zsConnectionInfo(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	b, err := connectionDoc(k.Ex)
	if err != nil {
		return 0, err
	}
	root, err := parseJSON(b, k.Ex.budget())
	if err != nil {
		return 0, err
	}
	return k.objects.addTree(root)
}
