package script

import (
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/vm"
)

// TestEnvAllowList: only variables in Config.EnvAllow are visible.
func TestEnvAllowList(t *testing.T) {
	t.Setenv("ZS_J1_ALLOWED", "visible-value")
	t.Setenv("ZS_J1_SECRET", "hidden")
	eachEngine(t, func(t *testing.T, mode vm.JITMode) {
		ch := loadFixtures(t, mode, "env_rate")
		for _, c := range []struct {
			cfg  *helpers.Config
			want string
		}{
			{nil, "||0"},
			{&helpers.Config{EnvAllow: []string{"ZS_J1_ALLOWED"}}, "visible-value||13"},
			{&helpers.Config{EnvAllow: []string{"ZS_J1_ALLOWED", "ZS_J1_SECRET"}}, "visible-value|hidden|13"},
		} {
			ex := newExchange("GET", "/", "op=env")
			ex.Config = c.cfg
			if err := ch.Run(ex, DefaultFuel); err != nil {
				t.Fatal(err)
			}
			if got := string(ex.Response.Body); got != c.want {
				t.Errorf("allow %v: %q, want %q", c.cfg, got, c.want)
			}
		}
	})
}

// TestRateLimitScript: 2 per second and 3 per minute per key, through the
// script; the limiter is the process's, shared by chains (a reload keeps
// it).
func TestRateLimitScript(t *testing.T) {
	cfg := &helpers.Config{RateLimiter: helpers.NewRateLimiter(2)}
	results := func(ch *Chain, key string, n int) string {
		var s string
		for range n {
			ex := newExchange("GET", "/", "op=rate", "X-Key", key)
			ex.Config = cfg
			if err := ch.Run(ex, DefaultFuel); err != nil {
				t.Fatal(err)
			}
			s += string(ex.Response.Body) + ","
		}
		return s
	}
	a := loadFixtures(t, vm.JITOff, "env_rate")
	if got := results(a, "k1", 3); got != "0,0,1," {
		t.Errorf("k1: %s", got)
	}
	b := loadFixtures(t, vm.JITAuto, "env_rate") // a reloaded chain
	if got := results(b, "k1", 1); got != "1," {
		t.Errorf("k1 after reload: %s", got)
	}
	if got := results(b, "k2", 1); got != "0," {
		t.Errorf("k2: %s", got)
	}
	if got := results(b, "k3", 1); got != "4," {
		t.Errorf("k3 over the bucket limit: %s", got)
	}
	if got := results(b, "", 1); got != "-1," {
		t.Errorf("empty key: %s", got)
	}
	ex := newExchange("GET", "/", "op=rate", "X-Key", "k1")
	if err := a.Run(ex, DefaultFuel); err != nil || string(ex.Response.Body) != "-1" {
		t.Errorf("no limiter: %v %q", err, ex.Response.Body)
	}
}
