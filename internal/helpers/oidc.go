package helpers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// OpenID Connect login (Authorization Code + PKCE S256) for scripts:
// zs_oidc_begin_login, zs_oidc_handle_callback, zs_oidc_session_verify and
// zs_oidc_logout. The configuration is a JSON handle (oidcConfig); a bad
// one makes the helper log "[oidc] ..." and return -1. Unlike the
// original, the id_token's signature is verified against the provider's
// JWKS (RS256, ES256), its exp is required, return_to must be a
// same-origin path, and cookies are sealed with AES-256-GCM
// (oidc_seal.go). Work that waits for the provider (discovery, the token
// exchange, the key set) runs off the event loop (ActionAsync).

const (
	oidcStateCookie   = "__zs_oidc_state"
	oidcSessionCookie = "__zs_oidc_session"
	oidcStateTTL      = 600 // seconds
	maxCookieValue    = 3800
)

func init() {
	table = append(table, []struct {
		name string
		fn   vm.HelperFunc
	}{
		{"zs_oidc_begin_login", zsOIDCBeginLogin},
		{"zs_oidc_handle_callback", zsOIDCHandleCallback},
		{"zs_oidc_session_verify", zsOIDCSessionVerify},
		{"zs_oidc_logout", zsOIDCLogout},
	}...)
}

// oidcConfig is the JSON configuration scripts pass. Either issuer
// (discovery) or all three of authorization_endpoint, token_endpoint and
// jwks_uri are required; the cookie secret comes from cookie_secret or
// from the environment variable cookie_secret_env names (it must be
// allowed with --script-env).
type oidcConfig struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	ClientID              string `json:"client_id"`
	ClientSecret          string `json:"client_secret"`
	RedirectURI           string `json:"redirect_uri"`
	Scope                 string `json:"scope"`
	CookieSecret          string `json:"cookie_secret"`
	CookieSecretEnv       string `json:"cookie_secret_env"`
	SessionTTLSecs        int64  `json:"session_ttl_secs"`
}

// oidcState is the sealed content of the login state cookie.
type oidcState struct {
	State        string `json:"state"`
	Nonce        string `json:"nonce"`
	CodeVerifier string `json:"code_verifier"`
	ReturnTo     string `json:"return_to"`
	Exp          int64  `json:"exp"`
}

// oidcSession is the sealed content of the session cookie.
type oidcSession struct {
	Claims map[string]any `json:"claims"`
	Exp    int64          `json:"exp"`
}

// oidcArgs reads the configuration handle of an OIDC helper; a bad
// configuration is logged and reported as ok == false.
func oidcArgs(c *vm.Context, h uint64) (*Call, *oidcConfig, bool, error) {
	k, r, err := handleArg(c, h)
	if err != nil {
		return nil, nil, false, err
	}
	var cfg oidcConfig
	if err := decodeStrict(r.node.appendJSON(nil), &cfg); err != nil {
		oidcLog(k, "configuration: %v", err)
		return k, nil, false, nil
	}
	if err := cfg.check(k.Ex); err != nil {
		oidcLog(k, "configuration: %v", err)
		return k, nil, false, nil
	}
	return k, &cfg, true, nil
}

func oidcLog(k *Call, format string, args ...any) {
	if k.Ex.Log != nil {
		k.Ex.Log(k.Script, "[oidc] "+fmt.Sprintf(format, args...))
	}
}

// check validates cfg and fills its defaults and secret.
func (cfg *oidcConfig) check(ex *Exchange) error {
	if cfg.CookieSecretEnv != "" {
		if cfg.CookieSecret != "" {
			return errors.New("cookie_secret and cookie_secret_env are exclusive")
		}
		cfg.CookieSecret = ex.Config.env(cfg.CookieSecretEnv)
	}
	switch {
	case cfg.ClientID == "":
		return errors.New("client_id is required")
	case !httpURL(cfg.RedirectURI):
		return errors.New("redirect_uri must be an absolute http(s) URL")
	case len(cfg.CookieSecret) < 16:
		return errors.New("the cookie secret must be at least 16 bytes")
	case cfg.SessionTTLSecs < 0:
		return errors.New("session_ttl_secs is negative")
	}
	if cfg.Issuer == "" {
		for _, u := range []string{cfg.AuthorizationEndpoint, cfg.TokenEndpoint, cfg.JWKSURI} {
			if !httpURL(u) {
				return errors.New("without issuer, authorization_endpoint, token_endpoint and jwks_uri must be http(s) URLs")
			}
		}
	} else if !httpURL(cfg.Issuer) {
		return errors.New("issuer must be an http(s) URL")
	}
	if cfg.Scope == "" {
		cfg.Scope = "openid profile email"
	}
	if cfg.SessionTTLSecs == 0 {
		cfg.SessionTTLSecs = 3600
	}
	return nil
}

// endpoints returns the provider's endpoints from the configuration or
// its discovery document; fetch allows a (blocking) fetch.
func (cfg *oidcConfig) endpoints(fetch bool) (discovery, bool, error) {
	if cfg.Issuer == "" {
		return discovery{AuthorizationEndpoint: cfg.AuthorizationEndpoint, TokenEndpoint: cfg.TokenEndpoint, JWKSURI: cfg.JWKSURI}, true, nil
	}
	d, ok := cachedDiscovery(cfg.Issuer)
	if ok || !fetch {
		return d, ok, nil
	}
	d, err := fetchDiscovery(cfg.Issuer)
	return d, err == nil, err
}

// sameOriginPath reports whether return_to is a path on this origin: it
// starts with one '/' and holds no backslash or control character, so no
// browser reads it as another host.
func sameOriginPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] == 0x7f || s[i] == '\\' {
			return false
		}
	}
	return true
}

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie is a Set-Cookie field for the OIDC cookies (Secure when the
// request came over https).
func setCookie(https bool, name, value string, maxAge int64) Field {
	v := fmt.Sprintf("%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax", name, value, maxAge)
	if https {
		v += "; Secure"
	}
	return Field{"Set-Cookie", v}
}

// respondNow makes status, body and header the request's response; a
// request that already has one, or a response hook, traps.
func respondNow(k *Call, helper string, status int, body string, header ...Field) error {
	if err := canRespond(k, helper); err != nil {
		return err
	}
	k.Ex.Action = ActionRespond
	k.Ex.Response = Response{Status: status, Body: append(k.Ex.Response.Body[:0], body...)}
	k.Ex.ResponseHeader = append(k.Ex.ResponseHeader, header...)
	return nil
}

func canRespond(k *Call, helper string) error {
	if k.res != nil {
		return fmt.Errorf("%s: not allowed in a response hook", helper)
	}
	if k.Ex.Action != ActionNone {
		return fmt.Errorf("%s: the request already has a response", helper)
	}
	return nil
}

// authorizeURL is the authorization request's URL.
func authorizeURL(endpoint string, cfg *oidcConfig, st *oidcState) string {
	sum := sha256.Sum256([]byte(st.CodeVerifier))
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {cfg.ClientID},
		"redirect_uri":          {cfg.RedirectURI},
		"scope":                 {cfg.Scope},
		"state":                 {st.State},
		"nonce":                 {st.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + q.Encode()
}

// zsOIDCBeginLogin is zs_oidc_begin_login(cfg, return_to, len) -> 0 | -1:
// answers 302 to the provider's authorization endpoint with a sealed state
// cookie. An empty return_to means "/"; one that is not a same-origin path
// gives -1, as does a bad configuration. A discovery failure answers 500.
func zsOIDCBeginLogin(c *vm.Context, h, rt, rtLen, _, _ uint64) (uint64, error) {
	k, cfg, ok, err := oidcArgs(c, h)
	if err != nil || !ok {
		return minusOne, err
	}
	returnTo, err := guestText(c, rt, rtLen)
	if err != nil {
		return 0, err
	}
	if returnTo == "" {
		returnTo = "/"
	}
	if !sameOriginPath(returnTo) {
		oidcLog(k, "return_to %q is not a path on this site", returnTo)
		return minusOne, nil
	}
	if err := canRespond(k, "zs_oidc_begin_login"); err != nil {
		return 0, err
	}
	st := &oidcState{State: randomToken(16), Nonce: randomToken(16), CodeVerifier: randomToken(32),
		ReturnTo: returnTo, Exp: time.Now().Unix() + oidcStateTTL}
	plain, _ := json.Marshal(st)
	cookie := setCookie(k.Ex.Req.Scheme == "https", oidcStateCookie, seal(cfg.CookieSecret, sealState, plain), oidcStateTTL)
	if d, ok, _ := cfg.endpoints(false); ok {
		return 0, respondNow(k, "zs_oidc_begin_login", 302, "", Field{"Location", authorizeURL(d.AuthorizationEndpoint, cfg, st)}, cookie, Field{"Cache-Control", "no-store"})
	}
	log := k.Ex.Log
	script := k.Script
	k.Ex.deferWork(func() AsyncResponse {
		d, _, err := cfg.endpoints(true)
		if err != nil {
			if log != nil {
				log(script, "[oidc] discovery: "+err.Error())
			}
			return AsyncResponse{Status: 500}
		}
		return AsyncResponse{Status: 302, Header: []Field{{"Location", authorizeURL(d.AuthorizationEndpoint, cfg, st)}, cookie, {"Cache-Control", "no-store"}}}
	})
	return 0, nil
}
