package script

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
	"github.com/zeroserve/zeroserve/internal/vm/abi"
)

// TestOIDCHelpers: the OIDC helpers' answers that need no provider, on
// both engines: a configuration with explicit endpoints redirects at once;
// bad configurations and foreign return_to give -1; callback errors are
// 400s; sessions that are missing or forged read as 0; logout; a second
// response traps.
func TestOIDCHelpers(t *testing.T) {
	const good = `{"authorization_endpoint":"https://idp.test/auth?x=1","token_endpoint":"https://idp.test/token","jwks_uri":"https://idp.test/jwks","client_id":"c","redirect_uri":"https://app.test/cb","cookie_secret":"0123456789abcdef"}`
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "oidc")
		run := func(cfg, path, query string, hdr ...string) (*helpers.Exchange, error) {
			t.Setenv("ZS_OIDC_CONFIG", cfg)
			ex := newExchange("GET", path, query, hdr...)
			ex.Config = &helpers.Config{EnvAllow: []string{"ZS_OIDC_CONFIG"}}
			return ex, ch.Run(ex, DefaultFuel)
		}
		header := func(ex *helpers.Exchange, name string) string {
			for _, f := range ex.ResponseHeader {
				if strings.EqualFold(f.Name, name) {
					return f.Value
				}
			}
			return ""
		}
		ex, err := run(good, "/login", "rt=/app")
		if err != nil || ex.Response.Status != 302 {
			t.Fatalf("login: %v %d %q", err, ex.Response.Status, ex.Response.Body)
		}
		loc, _ := url.Parse(header(ex, "Location"))
		if q := loc.Query(); loc.Host != "idp.test" || q.Get("x") != "1" || q.Get("code_challenge_method") != "S256" || q.Get("scope") != "openid profile email" || len(q.Get("state")) != 22 {
			t.Errorf("authorize URL %s", loc)
		}
		if sc := header(ex, "Set-Cookie"); !strings.HasPrefix(sc, "__zs_oidc_state=") || !strings.HasSuffix(sc, "; Path=/; Max-Age=600; HttpOnly; SameSite=Lax") {
			t.Errorf("state cookie %q", sc)
		}
		stateCookie := strings.SplitN(header(ex, "Set-Cookie"), ";", 2)[0]
		t.Setenv("ZS_OIDC_CONFIG", good)
		secure := newExchange("GET", "/login", "")
		secure.Req.Scheme = "https"
		secure.Config = &helpers.Config{EnvAllow: []string{"ZS_OIDC_CONFIG"}}
		if err := ch.Run(secure, DefaultFuel); err != nil || !strings.HasSuffix(header(secure, "Set-Cookie"), "; SameSite=Lax; Secure") {
			t.Errorf("https login: %v, cookie %q", err, header(secure, "Set-Cookie"))
		}
		for _, c := range []struct{ cfg, query string }{
			{`{"client_id":"c"}`, "rt=/"},
			{strings.Replace(good, `"client_id"`, `"unknown":1,"client_id"`, 1), "rt=/"},
			{strings.Replace(good, `0123456789abcdef`, `short`, 1), "rt=/"},
			{good, "rt=//evil.test"},
			{good, "rt=https://evil.test/"},
		} {
			ex, err := run(c.cfg, "/login", c.query)
			if err != nil || ex.Response.Status != 418 || string(ex.Response.Body) != "-1" {
				t.Errorf("%s %s: %v %d %q, want -1", c.cfg, c.query, err, ex.Response.Status, ex.Response.Body)
			}
		}
		for _, c := range []struct{ query, cookie, want string }{
			{"code=x", "", "missing code or state"},
			{"code=x&state=y", "", "missing login state"},
			{"code=x&state=y", "__zs_oidc_state=garbage", "invalid or expired login state"},
			{"code=x&state=y", stateCookie, "state mismatch"},
		} {
			ex, err := run(good, "/callback", c.query, "Cookie", c.cookie)
			if err != nil || ex.Response.Status != 400 || string(ex.Response.Body) != c.want {
				t.Errorf("callback %s: %v %d %q, want %q", c.query, err, ex.Response.Status, ex.Response.Body, c.want)
			}
		}
		// A state cookie does not open as a session cookie.
		for _, cookie := range []string{"", "__zs_oidc_session=" + strings.TrimPrefix(stateCookie, "__zs_oidc_state=")} {
			ex, err := run(good, "/me", "", "Cookie", cookie)
			if err != nil || ex.Response.Status != 401 {
				t.Errorf("me with %q: %v %d", cookie, err, ex.Response.Status)
			}
		}
		ex, err = run(good, "/logout", "to=https://idp.test/end")
		if err != nil || ex.Response.Status != 302 || header(ex, "Location") != "https://idp.test/end" || !strings.HasPrefix(header(ex, "Set-Cookie"), "__zs_oidc_session=; Path=/; Max-Age=0") {
			t.Errorf("logout: %v %d %v", err, ex.Response.Status, ex.ResponseHeader)
		}
		if ex, err = run(good, "/logout", "to=javascript:x"); err != nil || ex.Response.Status != 418 {
			t.Errorf("logout to javascript: %v %d", err, ex.Response.Status)
		}
		if _, err = run(good, "/twice", ""); !errors.Is(err, abi.TrapHelper) {
			t.Errorf("second response: %v, want a helper trap", err)
		}
	})
}
