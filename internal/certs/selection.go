package certs

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"slices"

	"github.com/caddyserver/certmagic"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// selector narrows the certificates a connection policy offers, as
// Caddy's CustomCertSelectionPolicy: the first certificate (certmagic
// orders them) that has any of AnyTag, all of AllTags, a subject
// organization among SubjectOrganization and the public key algorithm.
type selector struct {
	anyTag, allTags, orgs []string
	keyAlg                string
}

func newSelector(cs *caddyconf.CertSelection, path string) (*selector, error) {
	switch cs.PublicKeyAlgorithm {
	case "", "rsa", "ecdsa", "ed25519":
	default:
		return nil, &caddyconf.PathError{Path: path + ".public_key_algorithm", Msg: "want rsa, ecdsa or ed25519"}
	}
	return &selector{anyTag: cs.AnyTag, allTags: cs.AllTags, orgs: cs.SubjectOrganization, keyAlg: cs.PublicKeyAlgorithm}, nil
}

var errNoSelected = errors.New("certs: no certificate matches the connection policy's certificate selection")

// SelectCertificate picks a certificate for certmagic.
func (s *selector) SelectCertificate(_ *tls.ClientHelloInfo, choices []certmagic.Certificate) (certmagic.Certificate, error) {
	for _, c := range choices {
		if s.ok(c) {
			return c, nil
		}
	}
	return certmagic.Certificate{}, errNoSelected
}

func (s *selector) ok(c certmagic.Certificate) bool {
	if len(s.anyTag) > 0 && !slices.ContainsFunc(s.anyTag, func(t string) bool { return slices.Contains(c.Tags, t) }) {
		return false
	}
	for _, t := range s.allTags {
		if !slices.Contains(c.Tags, t) {
			return false
		}
	}
	if len(s.orgs) > 0 && (c.Leaf == nil || !slices.ContainsFunc(s.orgs, func(o string) bool { return slices.Contains(c.Leaf.Subject.Organization, o) })) {
		return false
	}
	if s.keyAlg != "" {
		var alg string
		switch c.PrivateKey.(type) {
		case *rsa.PrivateKey:
			alg = "rsa"
		case *ecdsa.PrivateKey:
			alg = "ecdsa"
		case ed25519.PrivateKey:
			alg = "ed25519"
		}
		if alg != s.keyAlg {
			return false
		}
	}
	return true
}
