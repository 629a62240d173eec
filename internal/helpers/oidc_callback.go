package helpers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsOIDCHandleCallback is zs_oidc_handle_callback(cfg) -> 0 | -1: the
// redirect endpoint. It answers 400 "missing code or state", "missing
// login state", "invalid or expired login state" or "state mismatch" at
// once; otherwise the code is exchanged off the loop and the id_token
// verified (signature against the JWKS, iss, aud, exp, nonce): 302 to the
// state's return_to with the session cookie and the state cookie cleared,
// or 502 "authentication failed". A bad configuration gives -1.
func zsOIDCHandleCallback(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	k, cfg, ok, err := oidcArgs(c, h)
	if err != nil || !ok {
		return minusOne, err
	}
	ex := k.Ex
	code, _ := ex.Req.QueryParam("code")
	state, _ := ex.Req.QueryParam("state")
	fail := func(msg string) (uint64, error) {
		return 0, respondNow(k, "zs_oidc_handle_callback", 400, msg)
	}
	if code == "" || state == "" {
		return fail("missing code or state")
	}
	sealed := cookieValue(&ex.Req, oidcStateCookie)
	if sealed == "" {
		return fail("missing login state")
	}
	var st oidcState
	plain, err := unseal(cfg.CookieSecret, sealState, sealed)
	if err != nil || json.Unmarshal(plain, &st) != nil || st.Exp < time.Now().Unix() || !sameOriginPath(st.ReturnTo) {
		return fail("invalid or expired login state")
	}
	if state != st.State {
		return fail("state mismatch")
	}
	if err := canRespond(k, "zs_oidc_handle_callback"); err != nil {
		return 0, err
	}
	https := ex.Req.Scheme == "https"
	clearState := setCookie(https, oidcStateCookie, "", 0)
	log, script := ex.Log, k.Script
	ex.deferWork(func() AsyncResponse {
		claims, err := exchangeCode(cfg, code, &st)
		if err != nil {
			if log != nil {
				log(script, "[oidc] callback: "+err.Error())
			}
			return AsyncResponse{Status: 502, Header: []Field{clearState}, Body: []byte("authentication failed")}
		}
		now := time.Now().Unix()
		sess, _ := json.Marshal(&oidcSession{Claims: claims, Exp: now + cfg.SessionTTLSecs})
		value := seal(cfg.CookieSecret, sealSession, sess)
		if len(value) > maxCookieValue {
			if log != nil {
				log(script, "[oidc] callback: the session cookie would be larger than 3800 bytes")
			}
			return AsyncResponse{Status: 502, Header: []Field{clearState}, Body: []byte("authentication failed")}
		}
		return AsyncResponse{Status: 302, Header: []Field{
			{"Location", st.ReturnTo},
			setCookie(https, oidcSessionCookie, value, cfg.SessionTTLSecs),
			clearState,
			{"Cache-Control", "no-store"},
		}}
	})
	return 0, nil
}

// exchangeCode runs the token request (blocking) and verifies the
// id_token; it returns the token's claims.
func exchangeCode(cfg *oidcConfig, code string, st *oidcState) (map[string]any, error) {
	d, _, err := cfg.endpoints(true)
	if err != nil {
		return nil, fmt.Errorf("discovery: %v", err)
	}
	b, err := oidcPostForm(d.TokenEndpoint, url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {cfg.RedirectURI},
		"client_id":     {cfg.ClientID},
		"client_secret": {cfg.ClientSecret},
		"code_verifier": {st.CodeVerifier},
	})
	if err != nil {
		return nil, fmt.Errorf("token request: %v", err)
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil || tok.IDToken == "" {
		return nil, errors.New("token response has no id_token")
	}
	keys, err := fetchJWKS(d.JWKSURI, false)
	if err != nil {
		return nil, fmt.Errorf("jwks: %v", err)
	}
	claims, err := verifyJWT(tok.IDToken, keys)
	if errors.Is(err, errNoKey) { // the provider may have rotated its keys
		if keys, err = fetchJWKS(d.JWKSURI, true); err == nil {
			claims, err = verifyJWT(tok.IDToken, keys)
		}
	}
	if err != nil {
		return nil, err
	}
	return claims, checkClaims(claims, cfg, st.Nonce, time.Now().Unix())
}

// checkClaims checks an id_token's iss (when an issuer is configured),
// aud (a string or an array holding client_id), exp (required, in the
// future) and nonce.
func checkClaims(claims map[string]any, cfg *oidcConfig, nonce string, now int64) error {
	if cfg.Issuer != "" && claims["iss"] != cfg.Issuer {
		return fmt.Errorf("id_token: issuer %v, want %q", claims["iss"], cfg.Issuer)
	}
	audOK := false
	switch aud := claims["aud"].(type) {
	case string:
		audOK = aud == cfg.ClientID
	case []any:
		audOK = slices.Contains(aud, any(cfg.ClientID))
	}
	if !audOK {
		return fmt.Errorf("id_token: audience %v does not hold %q", claims["aud"], cfg.ClientID)
	}
	exp, ok := claims["exp"].(float64)
	if !ok || int64(exp) <= now {
		return fmt.Errorf("id_token: missing or past exp %v", claims["exp"])
	}
	if n, _ := claims["nonce"].(string); n != nonce {
		return errors.New("id_token: nonce mismatch")
	}
	return nil
}
