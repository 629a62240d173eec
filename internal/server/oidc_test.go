package server

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/loop"
	"github.com/zeroserve/zeroserve/internal/script"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// mockIdP is an OpenID provider for tests: discovery, a JWKS with one RSA
// key, and a token endpoint that checks the PKCE verifier against the
// challenge of the last authorization request and signs id_tokens (with a
// key outside the JWKS when forge is set).
type mockIdP struct {
	srv         *httptest.Server
	key, forger *rsa.PrivateKey
	mu          sync.Mutex
	challenge   string
	nonce       string
	forge       bool
}

func newMockIdP(t *testing.T) *mockIdP {
	m := &mockIdP{}
	m.key, _ = rsa.GenerateKey(rand.Reader, 2048)
	m.forger, _ = rsa.GenerateKey(rand.Reader, 2048)
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		u := m.srv.URL
		json.NewEncoder(w).Encode(map[string]string{"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		b64 := base64.RawURLEncoding.EncodeToString
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(m.key.N.Bytes()), "e": b64(big.NewInt(int64(m.key.E)).Bytes())}}})
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		m.mu.Lock()
		defer m.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("code") != "good-code" || r.PostForm.Get("client_id") != "zs" ||
			r.PostForm.Get("client_secret") != "s3" || base64.RawURLEncoding.EncodeToString(sum[:]) != m.challenge {
			http.Error(w, `{"error":"invalid_grant"}`, 400)
			return
		}
		key := m.key
		if m.forge {
			key = m.forger
		}
		claims := map[string]any{"iss": m.srv.URL, "aud": "zs", "sub": "alice", "email": "alice@example.com", "nonce": m.nonce, "exp": time.Now().Add(time.Hour).Unix()}
		json.NewEncoder(w).Encode(map[string]string{"id_token": signRS256(t, key, claims), "access_token": "at"})
	})
	m.srv = httptest.NewServer(mux)
	t.Cleanup(m.srv.Close)
	return m
}

func signRS256(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	b64 := base64.RawURLEncoding.EncodeToString
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
	p, _ := json.Marshal(claims)
	in := b64(h) + "." + b64(p)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + b64(sig)
}

// TestOIDC: login redirect (discovery fetched off the loop) → callback
// (code exchanged with PKCE, id_token verified) → session → logout; a
// forged id_token signature and foreign return_to values are refused; on
// both backends.
func TestOIDC(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		idp := newMockIdP(t)
		t.Setenv("ZS_OIDC_CONFIG", fmt.Sprintf(`{"issuer":%q,"client_id":"zs","client_secret":"s3","redirect_uri":"http://app.test/callback","cookie_secret_env":"ZS_OIDC_SECRET"}`, idp.srv.URL))
		t.Setenv("ZS_OIDC_SECRET", "0123456789abcdef-secret")
		h, err := script.NewHelpers()
		if err != nil {
			t.Fatal(err)
		}
		sc, err := script.LoadFile(filepath.Join("..", "script", "testdata", "oidc.o"), h, script.Options{JIT: vm.JITAuto})
		if err != nil {
			t.Fatal(err)
		}
		chain := script.NewChain(sc)
		t.Cleanup(chain.Close)
		var log syncBuffer
		s := startServer(t, b, Config{Handler: &Scripts{Chain: chain, Log: &log,
			Config: &helpers.Config{EnvAllow: []string{"ZS_OIDC_CONFIG", "ZS_OIDC_SECRET"}}}})
		client := &http.Client{Timeout: testTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		do := func(path, cookie string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", "http://"+s.Addr().String()+path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, string(body)
		}
		cookieOf := func(resp *http.Response, name string) string {
			for _, c := range resp.Cookies() {
				if c.Name == name {
					return c.Name + "=" + c.Value
				}
			}
			t.Fatalf("no %s cookie in %v", name, resp.Header["Set-Cookie"])
			return ""
		}
		login := func(rt string) (state, cookie string) {
			t.Helper()
			resp, body := do("/login?rt="+url.QueryEscape(rt), "")
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != 302 || err != nil || !strings.HasPrefix(loc.String(), idp.srv.URL+"/authorize?") {
				t.Fatalf("login: %d %q %v\n%s", resp.StatusCode, body, resp.Header, log.String())
			}
			q := loc.Query()
			if q.Get("response_type") != "code" || q.Get("client_id") != "zs" || q.Get("redirect_uri") != "http://app.test/callback" ||
				q.Get("scope") != "openid profile email" || q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" {
				t.Fatalf("authorize query %v", q)
			}
			idp.mu.Lock()
			idp.challenge, idp.nonce = q.Get("code_challenge"), q.Get("nonce")
			idp.mu.Unlock()
			return q.Get("state"), cookieOf(resp, "__zs_oidc_state")
		}

		state, stCookie := login("/dashboard?tab=1")
		if resp, body := do("/callback?code=good-code&state=wrong", stCookie); resp.StatusCode != 400 || body != "state mismatch" {
			t.Errorf("state mismatch: %d %q", resp.StatusCode, body)
		}
		if resp, body := do("/callback?code=good-code&state="+state, ""); resp.StatusCode != 400 || body != "missing login state" {
			t.Errorf("no state cookie: %d %q", resp.StatusCode, body)
		}
		resp, body := do("/callback?code=good-code&state="+state, stCookie)
		if resp.StatusCode != 302 || resp.Header.Get("Location") != "/dashboard?tab=1" {
			t.Fatalf("callback: %d %q %v\n%s", resp.StatusCode, body, resp.Header, log.String())
		}
		session := cookieOf(resp, "__zs_oidc_session")
		if sc := strings.Join(resp.Header["Set-Cookie"], "\n"); !strings.Contains(sc, "__zs_oidc_state=; Path=/; Max-Age=0") || !strings.Contains(sc, "HttpOnly; SameSite=Lax") {
			t.Errorf("callback cookies: %s", sc)
		}
		resp, body = do("/me", session)
		var claims map[string]any
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &claims) != nil || claims["sub"] != "alice" || claims["email"] != "alice@example.com" {
			t.Errorf("me: %d %q", resp.StatusCode, body)
		}
		if resp, _ := do("/me", session[:len(session)-2]+"xx"); resp.StatusCode != 401 {
			t.Errorf("tampered session: %d", resp.StatusCode)
		}
		resp, body = do("/logout", session)
		if resp.StatusCode != 200 || body != "logged out" || !strings.Contains(resp.Header.Get("Set-Cookie"), "__zs_oidc_session=; Path=/; Max-Age=0") {
			t.Errorf("logout: %d %q %v", resp.StatusCode, body, resp.Header)
		}
		if resp, _ := do("/logout?to="+url.QueryEscape(idp.srv.URL+"/end"), session); resp.StatusCode != 302 || resp.Header.Get("Location") != idp.srv.URL+"/end" {
			t.Errorf("logout to the provider: %d %v", resp.StatusCode, resp.Header)
		}

		// A token signed by a key outside the JWKS.
		state, stCookie = login("/")
		idp.mu.Lock()
		idp.forge = true
		idp.mu.Unlock()
		if resp, body := do("/callback?code=good-code&state="+state, stCookie); resp.StatusCode != 502 || body != "authentication failed" {
			t.Errorf("forged signature: %d %q", resp.StatusCode, body)
		}
		deadline := time.Now().Add(testTimeout) // the log is written by a goroutine
		for !strings.Contains(log.String(), "[oidc] callback: id_token: bad signature") {
			if time.Now().After(deadline) {
				t.Fatalf("log:\n%s", log.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		for _, rt := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "evil"} {
			if resp, body := do("/login?rt="+url.QueryEscape(rt), ""); resp.StatusCode != 418 || body != "-1" {
				t.Errorf("return_to %q: %d %q", rt, resp.StatusCode, body)
			}
		}
	})
}
