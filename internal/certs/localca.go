package certs

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"path"
	"sync"
	"time"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"
)

// Local CA lifetimes, as Caddy's caddypki defaults.
const (
	rootLifetime         = 10 * 365 * 24 * time.Hour
	intermediateLifetime = 7 * 24 * time.Hour
	defaultLeafLifetime  = 12 * time.Hour
	leafBackdate         = time.Minute
)

// localCA is a certificate authority kept in certificate storage in
// Caddy's pki layout, pki/authorities/<id>/{root,intermediate}.{crt,key}:
// a long-lived root and a short-lived intermediate that signs leaves and
// is renewed when a fifth of its lifetime is left. A CA Caddy created is
// reused as is.
type localCA struct {
	id      string
	storage certmagic.Storage

	mu       sync.Mutex
	root     *x509.Certificate
	rootKey  crypto.Signer
	inter    *x509.Certificate
	interKey crypto.Signer
}

// openLocalCA loads the CA id from storage, creating what is missing.
func openLocalCA(ctx context.Context, storage certmagic.Storage, id string) (*localCA, error) {
	ca := &localCA{id: id, storage: storage}
	lock := "pki_" + id
	if err := storage.Lock(ctx, lock); err != nil {
		return nil, fmt.Errorf("certs: local CA %q: lock: %w", id, err)
	}
	defer storage.Unlock(context.WithoutCancel(ctx), lock)
	var err error
	ca.root, ca.rootKey, err = ca.load(ctx, "root")
	if errors.Is(err, errNotStored) {
		ca.root, ca.rootKey, err = ca.create(ctx, "root", nil, nil)
	}
	if err != nil {
		return nil, err
	}
	if err := ca.loadIntermediate(ctx); err != nil {
		return nil, err
	}
	return ca, nil
}

// rootFile is the storage key of the root certificate (PEM): clients that
// trust it trust every certificate this CA issues.
func (ca *localCA) rootFile() string { return ca.key("root.crt") }

var errNotStored = errors.New("not stored")

func (ca *localCA) key(name string) string { return path.Join("pki", "authorities", ca.id, name) }

// load reads a certificate and key pair ("root" or "intermediate").
func (ca *localCA) load(ctx context.Context, name string) (*x509.Certificate, crypto.Signer, error) {
	if !ca.storage.Exists(ctx, ca.key(name+".crt")) {
		return nil, nil, errNotStored
	}
	cb, err := ca.storage.Load(ctx, ca.key(name+".crt"))
	if err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %w", ca.id, err)
	}
	kb, err := ca.storage.Load(ctx, ca.key(name+".key"))
	if err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %w", ca.id, err)
	}
	blk, _ := pem.Decode(cb)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, nil, fmt.Errorf("certs: local CA %q: %s.crt is not a PEM certificate", ca.id, name)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %s.crt: %w", ca.id, name, err)
	}
	key, err := certmagic.PEMDecodePrivateKey(kb)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %s.key: %w", ca.id, name, err)
	}
	return cert, key, nil
}

// loadIntermediate loads the intermediate, replacing it when it is
// missing, not signed by the root, or near its end.
func (ca *localCA) loadIntermediate(ctx context.Context) error {
	c, k, err := ca.load(ctx, "intermediate")
	if err != nil && !errors.Is(err, errNotStored) {
		return err
	}
	if err == nil && c.CheckSignatureFrom(ca.root) == nil && !needsRenewal(c, time.Now()) {
		ca.inter, ca.interKey = c, k
		return nil
	}
	ca.inter, ca.interKey, err = ca.create(ctx, "intermediate", ca.root, ca.rootKey)
	return err
}

// needsRenewal reports whether less than a fifth of c's lifetime is left.
func needsRenewal(c *x509.Certificate, now time.Time) bool {
	life := c.NotAfter.Sub(c.NotBefore)
	return c.NotAfter.Sub(now) < life/5
}

// create makes a CA certificate: self-signed when parent is nil.
func (ca *localCA) create(ctx context.Context, name string, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber:          serial(),
		NotBefore:             now.Add(-leafBackdate),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if parent == nil {
		tpl.Subject = pkix.Name{CommonName: fmt.Sprintf("zeroserve Local Authority - %d ECC Root", now.Year())}
		tpl.NotAfter = now.Add(rootLifetime)
		tpl.MaxPathLen = 1
		parent, parentKey = tpl, key
	} else {
		tpl.Subject = pkix.Name{CommonName: "zeroserve Local Authority - ECC Intermediate"}
		tpl.NotAfter = now.Add(intermediateLifetime)
		tpl.MaxPathLenZero = true
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: sign %s: %w", ca.id, name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	kb, err := certmagic.PEMEncodePrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	if err := ca.storage.Store(ctx, ca.key(name+".crt"), pemCert(der)); err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %w", ca.id, err)
	}
	if err := ca.storage.Store(ctx, ca.key(name+".key"), kb); err != nil {
		return nil, nil, fmt.Errorf("certs: local CA %q: %w", ca.id, err)
	}
	return cert, key, nil
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// serial returns a random 128-bit serial number.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n
}

// internalIssuer issues leaves from the local CA "local": certmagic's
// Issuer for Caddy's `internal` issuer module. The CA is opened (created
// when missing) at the first issuance, which logs where its root is.
type internalIssuer struct {
	storage      certmagic.Storage
	lifetime     time.Duration
	signWithRoot bool
	logger       *zap.Logger

	mu sync.Mutex
	ca *localCA
}

// localCAID is the ID of Caddy's default local CA.
const localCAID = "local"

// IssuerKey is the CA's ID, as Caddy's InternalIssuer: certificates are
// stored under certificates/local/.
func (ii *internalIssuer) IssuerKey() string { return localCAID }

// Issue signs the CSR's names with the intermediate (or the root).
func (ii *internalIssuer) Issue(ctx context.Context, csr *x509.CertificateRequest) (*certmagic.IssuedCertificate, error) {
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("certs: internal issuer: %w", err)
	}
	ii.mu.Lock()
	defer ii.mu.Unlock()
	if ii.ca == nil {
		ca, err := openLocalCA(ctx, ii.storage, localCAID)
		if err != nil {
			return nil, err
		}
		ii.ca = ca
		ii.logger.Info("local CA ready: clients that trust its root certificate trust the certificates of `tls internal`",
			zap.String("root", storageFile(ii.storage, ca.rootFile())), zap.String("root_common_name", ca.root.Subject.CommonName))
	}
	ca := ii.ca
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if needsRenewal(ca.inter, time.Now()) {
		if err := ca.loadIntermediate(ctx); err != nil {
			return nil, err
		}
	}
	signer, signerKey := ca.inter, ca.interKey
	if ii.signWithRoot {
		signer, signerKey = ca.root, ca.rootKey
	}
	now := time.Now()
	notAfter := now.Add(ii.lifetime)
	if notAfter.After(signer.NotAfter) {
		notAfter = signer.NotAfter
	}
	tpl := &x509.Certificate{
		SerialNumber:   serial(),
		Subject:        pkix.Name{CommonName: commonName(csr)},
		NotBefore:      now.Add(-leafBackdate),
		NotAfter:       notAfter,
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		DNSNames:       csr.DNSNames,
		IPAddresses:    csr.IPAddresses,
		EmailAddresses: csr.EmailAddresses,
		URIs:           csr.URIs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, signer, csr.PublicKey, signerKey)
	if err != nil {
		return nil, fmt.Errorf("certs: internal issuer: %w", err)
	}
	chain := pemCert(der)
	if !ii.signWithRoot {
		chain = append(chain, pemCert(ca.inter.Raw)...)
	}
	return &certmagic.IssuedCertificate{Certificate: chain}, nil
}

// commonName is the CSR's CN, else its first DNS name.
func commonName(csr *x509.CertificateRequest) string {
	if csr.Subject.CommonName != "" {
		return csr.Subject.CommonName
	}
	if len(csr.DNSNames) > 0 {
		return csr.DNSNames[0]
	}
	return ""
}
