package main

import (
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/proxy"
)

// FuzzUnixDial: every reverse_proxy dial address the compiler accepts as a
// Unix socket (helpers.UnixDial) is one the proxy engine parses, to the
// same path, so newCaddyEngine cannot fail on it at the first request.
func FuzzUnixDial(f *testing.F) {
	for _, s := range []string{"unix//run/app.sock", "unix/@abstract", "unix/", "unix//s.sock|0600", "unix//{x}", "unix//a\x00b", "10.0.0.1:80", "unix+h2c//s", "unix/" + strings.Repeat("a", 108)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dial string) {
		if !helpers.UnixDial(dial) {
			return
		}
		u, err := proxy.ParseUpstream(dial)
		if err != nil {
			t.Fatalf("UnixDial accepts %q, ParseUpstream: %v", dial, err)
		}
		if want := strings.TrimPrefix(dial, "unix/"); u.Unix != want {
			t.Fatalf("%q: socket %q, want %q", dial, u.Unix, want)
		}
	})
}
