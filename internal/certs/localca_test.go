package certs

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"
)

// selfSigned returns a PEM certificate and key for name.
func selfSigned(t testing.TB, name string) (string, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := certmagic.PEMEncodePrivateKey(key)
	return string(pemCert(der)), string(kb)
}

// TestLocalCA: the CA is created in Caddy's pki layout, reopened as is,
// its leaves chain to the root through the intermediate, and an
// intermediate near its end is replaced.
func TestLocalCA(t *testing.T) {
	dir := t.TempDir()
	st := &certmagic.FileStorage{Path: dir}
	ctx := context.Background()
	ca, err := openLocalCA(ctx, st, "local")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"root.crt", "root.key", "intermediate.crt", "intermediate.key"} {
		if _, err := os.Stat(filepath.Join(dir, "pki", "authorities", "local", f)); err != nil {
			t.Fatal(err)
		}
	}
	again, err := openLocalCA(ctx, st, "local")
	if err != nil || !again.root.Equal(ca.root) || !again.inter.Equal(ca.inter) {
		t.Fatalf("reopened CA differs: %v", err)
	}
	ii := &internalIssuer{storage: st, lifetime: time.Hour, logger: zap.NewNop()}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csrDER, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"zs.test"}}, key)
	csr, _ := x509.ParseCertificateRequest(csrDER)
	issued, err := ii.Issue(ctx, csr)
	if err != nil {
		t.Fatal(err)
	}
	var chain []*x509.Certificate
	for rest := issued.Certificate; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, c)
	}
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(ca.root)
	for _, c := range chain[1:] {
		inters.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{DNSName: "zs.test", Roots: roots, Intermediates: inters}); err != nil {
		t.Fatal(err)
	}
	if life := chain[0].NotAfter.Sub(chain[0].NotBefore); life > time.Hour+2*leafBackdate {
		t.Errorf("leaf lifetime %v", life)
	}
	if needsRenewal(ca.inter, time.Now()) || !needsRenewal(ca.inter, ca.inter.NotAfter.Add(-time.Hour)) {
		t.Error("needsRenewal")
	}
	// An intermediate near its end, in memory and in storage, is replaced.
	ikey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	short := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "short"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Minute)}
	der, err := x509.CreateCertificate(rand.Reader, short, ca.root, ikey.Public(), ca.rootKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := certmagic.PEMEncodePrivateKey(ikey)
	st.Store(ctx, ca.key("intermediate.crt"), pemCert(der))
	st.Store(ctx, ca.key("intermediate.key"), kb)
	ii.ca.inter, _ = x509.ParseCertificate(der)
	if _, err := ii.Issue(ctx, csr); err != nil {
		t.Fatal(err)
	}
	if ii.ca.inter.SerialNumber.Int64() == 7 || needsRenewal(ii.ca.inter, time.Now()) || ii.ca.inter.CheckSignatureFrom(ca.root) != nil {
		t.Error("intermediate near its end was not replaced by one from the same root")
	}
}
