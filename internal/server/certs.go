package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Certificates selects a certificate by SNI name. Build it with
// LoadKeyPair or LoadCertDir; it is read-only afterwards, so handshake
// goroutines share it without locks.
type Certificates struct {
	byName map[string]*tls.Certificate // lower-case name, "*.example.com" for wildcards
	def    *tls.Certificate
}

// LoadKeyPair returns Certificates serving one PEM certificate chain and
// key for every name (--cert, --key).
func LoadKeyPair(certFile, keyFile string) (*Certificates, error) {
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("server: load %s: %w", certFile, err)
	}
	return &Certificates{byName: map[string]*tls.Certificate{}, def: &c}, nil
}

// LoadCertDir loads a --cert-dir directory. File names decide which SNI
// name a certificate serves:
//
//   - NAME.crt with NAME.key beside it (PEM chain and PEM key) serves the
//     server name NAME, compared case-insensitively;
//   - _wildcard.REST.crt serves every name of one label under REST
//     ("*.REST"), when no exact NAME matches;
//   - default.crt serves clients that send no SNI or an unknown name;
//     without it, the first NAME in lexicographic order does.
//
// A .crt without its .key, or a pair that does not load, is an error.
// Other files are ignored.
func LoadCertDir(dir string) (*Certificates, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("server: cert dir: %w", err)
	}
	var names []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".crt"); ok && !e.IsDir() && n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("server: cert dir %s: no NAME.crt files", dir)
	}
	cs := &Certificates{byName: map[string]*tls.Certificate{}}
	for _, n := range names {
		crt := filepath.Join(dir, n+".crt")
		c, err := tls.LoadX509KeyPair(crt, filepath.Join(dir, n+".key"))
		if err != nil {
			return nil, fmt.Errorf("server: cert dir: load %s: %w", crt, err)
		}
		if n == "default" {
			cs.def = &c
			continue
		}
		cs.byName[sniKey(n)] = &c
	}
	if cs.def == nil {
		cs.def = cs.byName[sniKey(names[0])]
	}
	return cs, nil
}

// sniKey maps a --cert-dir file name to its byName key.
func sniKey(fileName string) string {
	if rest, ok := strings.CutPrefix(fileName, "_wildcard."); ok {
		fileName = "*." + rest
	}
	return strings.ToLower(fileName)
}

// errNoCertificate is returned to crypto/tls when nothing can be served.
var errNoCertificate = errors.New("server: no certificate for this server name")

// GetCertificate picks the certificate for a ClientHello: the exact
// server name, then the wildcard one label up, then the default.
func (cs *Certificates) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if name != "" {
		if c := cs.byName[name]; c != nil {
			return c, nil
		}
		if _, rest, ok := strings.Cut(name, "."); ok {
			if c := cs.byName["*."+rest]; c != nil {
				return c, nil
			}
		}
	}
	if cs.def == nil {
		return nil, errNoCertificate
	}
	return cs.def, nil
}

// TLSConfig returns a tls.Config serving these certificates: TLS 1.2 and
// 1.3, session tickets on (crypto/tls rotates their keys).
func (cs *Certificates) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: cs.GetCertificate, MinVersion: tls.VersionTLS12}
}
