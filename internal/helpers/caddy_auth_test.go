package helpers

import (
	"encoding/base64"
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// argon2idHash hashes pw in the format Caddy's hash-password writes.
func argon2idHash(pw string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(pw), salt, 1, 64, 1, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func basicHeader(user, pass string) []Field {
	return []Field{{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}}
}

// TestBasicAuth checks http_basic with both hashes, raw and base64
// passwords, the hash cache, the realm and {http.auth.user.id}.
func TestBasicAuth(t *testing.T) {
	bc, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, cfg string }{
		{"bcrypt", fmt.Sprintf(`{"http_basic":{"hash":"bcrypt","accounts":[{"username":"ann","password":%q},{"username":"bob","password":%q}],"realm":"inside"}}`,
			base64.StdEncoding.EncodeToString(bc), string(bc))},
		{"bcrypt-cached", fmt.Sprintf(`{"http_basic":{"hash":"bcrypt","accounts":[{"username":"ann","password":%q},{"username":"bob","password":%q}],"realm":"inside","hash_cache":true}}`,
			base64.StdEncoding.EncodeToString(bc), string(bc))},
		{"argon2id", fmt.Sprintf(`{"http_basic":{"hash":"argon2id","accounts":[{"username":"ann","password":%q},{"username":"bob","password":%q}],"realm":"inside"}}`,
			base64.StdEncoding.EncodeToString([]byte(argon2idHash("hunter2"))), argon2idHash("hunter2"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := caddyHandlers["authentication"]([]byte(c.cfg))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []struct {
				header []Field
				want   uint64
			}{
				{basicHeader("ann", "hunter2"), CaddyContinue},
				{basicHeader("bob", "hunter2"), CaddyContinue},
				{basicHeader("bob", "hunter2"), CaddyContinue}, // cached
				{basicHeader("ann", "hunter3"), CaddyError},
				{basicHeader("eve", "hunter2"), CaddyError},
				{[]Field{{"Authorization", "basic " + base64.StdEncoding.EncodeToString([]byte("ann:hunter2"))}}, CaddyContinue},
				{[]Field{{"Authorization", "Bearer x"}}, CaddyError},
				{[]Field{{"Authorization", "Basic !!"}}, CaddyError},
				{nil, CaddyError},
			} {
				ex := &Exchange{}
				ex.Req.Header = p.header
				got, err := r.run(ex, replacer{ex})
				if err != nil || got != p.want {
					t.Errorf("%v: %d %v, want %d", p.header, got, err, p.want)
					continue
				}
				repl := replacer{ex}
				if got == CaddyContinue {
					user, _, _ := basicCredentials(p.header[0].Value)
					if v := repl.replaceKnown("{http.auth.user.id}"); v != user {
						t.Errorf("{http.auth.user.id} = %q, want %q", v, user)
					}
					continue
				}
				if v := repl.replaceKnown("{http.auth.user.id}"); v != "{http.auth.user.id}" {
					t.Errorf("refused: {http.auth.user.id} = %q", v)
				}
				if ex.caddy.raised == nil || ex.caddy.raised.status != 401 || firstValue(ex.ResponseHeader, "WWW-Authenticate") != `Basic realm="inside"` {
					t.Errorf("refused: %+v %v", ex.caddy.raised, ex.ResponseHeader)
				}
			}
		})
	}
	for _, bad := range []string{
		`{"http_basic":{"hash":"md5","accounts":[{"username":"a","password":"$x"}]}}`,
		`{"http_basic":{"hash":"bcrypt","accounts":[{"username":"a","password":"$x"},{"username":"a","password":"$y"}]}}`,
		`{"http_basic":{"hash":"bcrypt","accounts":[{"username":"","password":"$x"}]}}`,
		`{"http_basic":{"hash":"bcrypt","accounts":[{"username":"a","password":"not base64!"}]}}`,
	} {
		if _, err := caddyHandlers["authentication"]([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// TestArgon2idHashes checks malformed argon2id hashes are errors, never
// matches.
func TestArgon2idHashes(t *testing.T) {
	good := argon2idHash("pw")
	if ok, err := compareArgon2id([]byte(good), []byte("pw")); !ok || err != nil {
		t.Fatalf("good hash: %v %v", ok, err)
	}
	for _, h := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5", "$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$a2V5", "$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$"} {
		if ok, err := compareArgon2id([]byte(h), []byte("pw")); ok || err == nil {
			t.Errorf("%q: %v %v", h, ok, err)
		}
	}
}
