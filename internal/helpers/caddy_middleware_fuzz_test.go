package helpers

import (
	"slices"
	"strings"
	"testing"
)

// FuzzAcceptedEncodings: any Accept-Encoding value parses without panic,
// every result is a lower-cased item name of the value, and the order is
// stable (the same input gives the same list).
func FuzzAcceptedEncodings(f *testing.F) {
	for _, s := range []string{"gzip", "gzip, zstd;q=0.5", "br;q=1.0, *;q=0", " , ;q=", "GZIP;Q=0.001", "x;q=NaN, y;q=1e400", "zstd;q=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := []Field{{"Accept-Encoding", v}}
		got := AcceptedEncodings(h, []string{"zstd", "gzip"})
		if !slices.Equal(got, AcceptedEncodings(h, []string{"zstd", "gzip"})) {
			t.Fatalf("%q: unstable", v)
		}
		var items []string
		for item := range strings.SplitSeq(v, ",") {
			n, _, _ := strings.Cut(item, ";")
			items = append(items, strings.ToLower(strings.TrimSpace(n)))
		}
		for _, name := range got {
			if name == "" || !slices.Contains(items, name) {
				t.Fatalf("%q: %q is not one of its items", v, name)
			}
		}
		if strings.TrimSpace(v) == "gzip;q=0" && len(got) != 0 {
			t.Fatalf("%q: %q", v, got)
		}
	})
}

// FuzzBasicAuth: any Authorization value and any stored argon2id hash
// are handled without panic, and only the right password is accepted.
func FuzzBasicAuth(f *testing.F) {
	good := argon2idHash("pw")
	f.Add("Basic YW5uOnB3", good)
	f.Add("basic !!", "$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("Basic Og==", "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$a2V5")
	f.Fuzz(func(t *testing.T, auth, hash string) {
		if parts := strings.Split(hash, "$"); len(parts) > 3 && !slices.Contains([]string{"m=64,t=1,p=1", "m=8,t=2,p=1", "m=64,t=1,p=2"}, parts[3]) {
			return // keep argon2's cost small
		}
		user, pass, ok := basicCredentials(auth)
		same, err := compareArgon2id([]byte(hash), []byte(pass))
		if err == nil && same && hash == good && pass != "pw" {
			t.Fatalf("%q accepted for the hash of pw", pass)
		}
		if ok && strings.Contains(user, ":") {
			t.Fatalf("user %q holds the separator", user)
		}
	})
}
