package helpers

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsOIDCSessionVerify is zs_oidc_session_verify(cfg) -> handle | 0 | -1: a
// new handle to the id_token claims of a valid, unexpired session cookie;
// 0 when there is none (missing, forged, sealed under another secret or
// expired); -1 for a bad configuration.
func zsOIDCSessionVerify(c *vm.Context, h, _, _, _, _ uint64) (uint64, error) {
	k, cfg, ok, err := oidcArgs(c, h)
	if err != nil || !ok {
		return minusOne, err
	}
	sealed := cookieValue(&k.Ex.Req, oidcSessionCookie)
	if sealed == "" {
		return 0, nil
	}
	plain, err := unseal(cfg.CookieSecret, sealSession, sealed)
	if err != nil {
		return 0, nil
	}
	var sess struct {
		Claims json.RawMessage `json:"claims"`
		Exp    int64           `json:"exp"`
	}
	if json.Unmarshal(plain, &sess) != nil || sess.Exp <= time.Now().Unix() {
		return 0, nil
	}
	root, err := parseJSON(sess.Claims, k.Ex.budget())
	var be *BudgetError
	if errors.As(err, &be) {
		return 0, err
	}
	if err != nil || root.kind != jsonObject {
		return 0, nil
	}
	return k.objects.addTree(root)
}

// zsOIDCLogout is zs_oidc_logout(cfg, end_session_url, len) -> 0 | -1:
// clears the session cookie and answers 302 to end_session_url (an
// absolute http(s) URL, or a same-origin path), or 200 "logged out" when
// it is empty. Another URL, or a bad configuration, gives -1.
func zsOIDCLogout(c *vm.Context, h, u, uLen, _, _ uint64) (uint64, error) {
	k, _, ok, err := oidcArgs(c, h)
	if err != nil || !ok {
		return minusOne, err
	}
	to, err := guestText(c, u, uLen)
	if err != nil {
		return 0, err
	}
	clear := setCookie(k.Ex.Req.Scheme == "https", oidcSessionCookie, "", 0)
	if to == "" {
		return 0, respondNow(k, "zs_oidc_logout", 200, "logged out", clear, Field{"Cache-Control", "no-store"})
	}
	if !(httpURL(to) && validFieldValue(to)) && !sameOriginPath(to) {
		oidcLog(k, "logout URL %q is neither an http(s) URL nor a path", to)
		return minusOne, nil
	}
	return 0, respondNow(k, "zs_oidc_logout", 302, "", Field{"Location", to}, clear, Field{"Cache-Control", "no-store"})
}
