package helpers

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// jwk is one key of a JSON Web Key Set (RFC 7517); only RSA and P-256 keys
// are used.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// jwksKey is a usable verification key.
type jwksKey struct {
	kid string
	alg string // "RS256" or "ES256"
	rsa *rsa.PublicKey
	ec  *ecdsa.PublicKey
}

// parseJWKS reads the RSA and P-256 signing keys of a JWKS document;
// other keys are skipped (a set may hold keys for other uses).
func parseJWKS(b []byte) ([]jwksKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("jwks: %v", err)
	}
	var keys []jwksKey
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		switch {
		case k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256"):
			n, err1 := b64Int(k.N)
			e, err2 := b64Int(k.E)
			if err1 != nil || err2 != nil || n.BitLen() < 2048 || !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 {
				continue
			}
			keys = append(keys, jwksKey{kid: k.Kid, alg: "RS256", rsa: &rsa.PublicKey{N: n, E: int(e.Int64())}})
		case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == "ES256"):
			x, err1 := b64Int(k.X)
			y, err2 := b64Int(k.Y)
			if err1 != nil || err2 != nil {
				continue
			}
			pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
			if _, err := pub.ECDH(); err != nil { // not on the curve
				continue
			}
			keys = append(keys, jwksKey{kid: k.Kid, alg: "ES256", ec: pub})
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("jwks: no RS256 or ES256 key")
	}
	return keys, nil
}

func b64Int(s string) (*big.Int, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(b) == 0 {
		return nil, errors.New("bad integer")
	}
	return new(big.Int).SetBytes(b), nil
}

// errNoKey is a token signed by a key the set does not hold (the
// provider may have rotated its keys).
var errNoKey = errors.New("id_token: no key for its kid")

// verifyJWT checks the compact JWS token's RS256 or ES256 signature
// against keys and returns its claims.
func verifyJWT(token string, keys []jwksKey) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("id_token: not a compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errors.New("id_token: bad header encoding")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return nil, errors.New("id_token: bad header")
	}
	if hdr.Alg != "RS256" && hdr.Alg != "ES256" {
		return nil, fmt.Errorf("id_token: algorithm %q is not accepted", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("id_token: bad signature encoding")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	found := false
	for _, k := range keys {
		if k.alg != hdr.Alg || (hdr.Kid != "" && k.kid != hdr.Kid) {
			continue
		}
		found = true
		ok := false
		if k.rsa != nil {
			ok = rsa.VerifyPKCS1v15(k.rsa, crypto.SHA256, sum[:], sig) == nil
		} else if len(sig) == 64 {
			ok = ecdsa.Verify(k.ec, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
		}
		if ok {
			pb, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				return nil, errors.New("id_token: bad payload encoding")
			}
			var claims map[string]any
			if err := json.Unmarshal(pb, &claims); err != nil || claims == nil {
				return nil, errors.New("id_token: payload is not a JSON object")
			}
			return claims, nil
		}
	}
	if !found {
		return nil, errNoKey
	}
	return nil, errors.New("id_token: bad signature")
}
