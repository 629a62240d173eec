//go:build caddyoracle

package caddydiff

import (
	"encoding/json"
	"fmt"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

// startCaddy adapts the Caddyfile with Caddy's own adapter and runs it in
// process (Caddy's logs discarded). Stop it with caddy.Stop.
func startCaddy(caddyfile string) error {
	js, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(caddyfile), map[string]any{"filename": "Caddyfile"})
	if err != nil {
		return fmt.Errorf("caddy adapt: %w", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(js, &cfg); err != nil {
		return err
	}
	cfg["logging"] = map[string]any{"logs": map[string]any{"default": map[string]any{"writer": map[string]any{"output": "discard"}}}}
	js, err = json.Marshal(cfg)
	if err != nil {
		return err
	}
	if err := caddy.Load(js, true); err != nil {
		return fmt.Errorf("caddy load: %w", err)
	}
	return nil
}

// stopCaddy stops the running config.
func stopCaddy() error { return caddy.Stop() }
