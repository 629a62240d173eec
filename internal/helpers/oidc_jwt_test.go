package helpers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// es256Token signs claims with key (header alg and kid as given).
func es256Token(t *testing.T, key *ecdsa.PrivateKey, alg, kid string, claims any) string {
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid})
	p, _ := json.Marshal(claims)
	in := b64(h) + "." + b64(p)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + b64(sig)
}

func TestVerifyJWT(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwks := fmt.Sprintf(`{"keys":[{"kty":"oct","k":"x"},{"kty":"RSA","n":"AQAB","e":"AQAB"},{"kty":"EC","crv":"P-256","kid":"e1","x":%q,"y":%q}]}`,
		b64(key.X.Bytes()), b64(key.Y.Bytes()))
	keys, err := parseJWKS([]byte(jwks))
	if err != nil || len(keys) != 1 || keys[0].alg != "ES256" {
		t.Fatalf("parseJWKS: %v %v", keys, err)
	}
	claims := map[string]any{"sub": "bob"}
	if c, err := verifyJWT(es256Token(t, key, "ES256", "e1", claims), keys); err != nil || c["sub"] != "bob" {
		t.Errorf("good token: %v %v", c, err)
	}
	if c, err := verifyJWT(es256Token(t, key, "ES256", "", claims), keys); err != nil || c["sub"] != "bob" {
		t.Errorf("token without kid: %v %v", c, err)
	}
	for name, tok := range map[string]string{
		"other key":  es256Token(t, other, "ES256", "e1", claims),
		"alg none":   b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"sub":"bob"}`)) + ".",
		"HS256":      es256Token(t, key, "HS256", "e1", claims),
		"two parts":  "a.b",
		"bad base64": "a.b.!!",
	} {
		if _, err := verifyJWT(tok, keys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := verifyJWT(es256Token(t, key, "ES256", "rotated", claims), keys); !errors.Is(err, errNoKey) {
		t.Errorf("unknown kid: %v, want errNoKey", err)
	}
	if _, err := parseJWKS([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]}`)); err == nil {
		t.Error("a point off the curve was accepted")
	}
}

func TestCheckClaims(t *testing.T) {
	cfg := &oidcConfig{Issuer: "https://idp", ClientID: "c"}
	base := func() map[string]any {
		return map[string]any{"iss": "https://idp", "aud": []any{"x", "c"}, "exp": float64(2000), "nonce": "n"}
	}
	if err := checkClaims(base(), cfg, "n", 1000); err != nil {
		t.Errorf("good claims: %v", err)
	}
	for name, edit := range map[string]func(map[string]any){
		"issuer":   func(m map[string]any) { m["iss"] = "https://other" },
		"audience": func(m map[string]any) { m["aud"] = "x" },
		"no exp":   func(m map[string]any) { delete(m, "exp") },
		"expired":  func(m map[string]any) { m["exp"] = float64(999) },
		"nonce":    func(m map[string]any) { m["nonce"] = "m" },
	} {
		m := base()
		edit(m)
		if err := checkClaims(m, cfg, "n", 1000); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSealAndReturnTo(t *testing.T) {
	v := seal("0123456789abcdef", sealState, []byte("hi"))
	if p, err := unseal("0123456789abcdef", sealState, v); err != nil || string(p) != "hi" {
		t.Errorf("unseal: %q %v", p, err)
	}
	for _, c := range [][2]string{{"0123456789abcdeX", sealState}, {"0123456789abcdef", sealSession}} {
		if _, err := unseal(c[0], c[1], v); err == nil {
			t.Errorf("opened with %v", c)
		}
	}
	for s, want := range map[string]bool{"/": true, "/a?b=c#d": true, "//x": false, "/\\x": false, "x": false, "/a b": false, "https://x/": false} {
		if sameOriginPath(s) != want {
			t.Errorf("sameOriginPath(%q) = %v", s, !want)
		}
	}
}

// FuzzOIDCInputs: what an attacker controls (cookies, id_tokens, key sets,
// return_to) never panics the parsers, and sealing round-trips.
func FuzzOIDCInputs(f *testing.F) {
	f.Add("eyJhbGciOiJFUzI1NiJ9.e30.AAAA", `{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]}`)
	f.Add(seal("0123456789abcdef", sealSession, []byte(`{"claims":{},"exp":1}`)), `{"keys":[]}`)
	f.Fuzz(func(t *testing.T, token, jwks string) {
		if keys, err := parseJWKS([]byte(jwks)); err == nil {
			verifyJWT(token, keys)
		}
		unseal("0123456789abcdef", sealSession, token)
		if p, err := unseal(token+"0123456789abcdef", sealState, seal(token+"0123456789abcdef", sealState, []byte(jwks))); err != nil || string(p) != jwks {
			t.Fatalf("round trip: %q %v", p, err)
		}
		if sameOriginPath(token) && (strings.HasPrefix(token, "//") || strings.ContainsAny(token, "\\ \r\n")) {
			t.Fatalf("sameOriginPath(%q)", token)
		}
	})
}
