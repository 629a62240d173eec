package server

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// TestAuthAndRequestBody serves compiled basic_auth and request_body
// handlers on both backends: 401 with the realm, {http.auth.user.id},
// and 413 for bodies over max_size (declared or chunked).
func TestAuthAndRequestBody(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	site := `:80 {
	request_body /upload* {
		max_size 10
	}
	basic_auth /private/* bcrypt "members only" {
		ann ` + string(hash) + `
	}
	respond /private/* "hi {http.auth.user.id}"
	respond /upload "stored"
	respond "open {http.auth.user.id}"
}`
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: compiledScripts(t, site)})
		c := &http.Client{Timeout: testTimeout}
		do := func(method, path, body string, chunked bool, user, pass string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(method, "http://"+s.Addr().String()+path, strings.NewReader(body))
			if chunked {
				req.ContentLength = -1
				req.TransferEncoding = []string{"chunked"}
			}
			if user != "" {
				req.SetBasicAuth(user, pass)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var sb strings.Builder
			buf := make([]byte, 512)
			for {
				n, err := resp.Body.Read(buf)
				sb.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return resp, sb.String()
		}
		for _, x := range []struct {
			method, path, body string
			chunked            bool
			user, pass         string
			status             int
			want               string
		}{
			{"GET", "/private/a", "", false, "", "", 401, ""},
			{"GET", "/private/a", "", false, "ann", "wrong", 401, ""},
			{"GET", "/private/a", "", false, "bob", "hunter2", 401, ""},
			{"GET", "/private/a", "", false, "ann", "hunter2", 200, "hi ann"},
			{"GET", "/public", "", false, "ann", "hunter2", 200, "open {http.auth.user.id}"},
			{"POST", "/upload", "0123456789", false, "", "", 200, "stored"},
			{"POST", "/upload", "0123456789A", false, "", "", 413, ""},
			{"POST", "/upload", strings.Repeat("x", 20), true, "", "", 413, ""},
			{"POST", "/upload", "short", true, "", "", 200, "stored"},
			{"POST", "/other", strings.Repeat("x", 20), false, "", "", 200, "open {http.auth.user.id}"},
		} {
			resp, body := do(x.method, x.path, x.body, x.chunked, x.user, x.pass)
			if resp.StatusCode != x.status || body != x.want {
				t.Errorf("%s %s (%d bytes, %s): %d %q, want %d %q", x.method, x.path, len(x.body), x.user, resp.StatusCode, body, x.status, x.want)
			}
			wantAuth := ""
			if x.status == 401 {
				wantAuth = `Basic realm="members only"`
			}
			if got := resp.Header.Get("Www-Authenticate"); got != wantAuth {
				t.Errorf("%s %s: WWW-Authenticate %q, want %q", x.method, x.path, got, wantAuth)
			}
		}
	})
}
