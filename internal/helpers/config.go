package helpers

import (
	"os"
	"slices"
)

// Config is the process-level configuration of the helpers, shared by
// every request (Exchange.Config). It outlives a hot reload of the
// scripts: the server keeps one Config and hands it to every exchange.
type Config struct {
	// EnvAllow lists the environment variables zs_env_get may read (the
	// --script-env flag); any other name reads as "".
	EnvAllow []string
	// RateLimiter is the state of zs_rate_limit; nil makes every
	// zs_rate_limit call return -1.
	RateLimiter *RateLimiter
	// MemoryBudget is each request's host-memory budget in bytes (0:
	// DefaultMemoryBudget).
	MemoryBudget int64
}

// env returns the value of an allowed environment variable, or "".
func (cfg *Config) env(name string) string {
	if cfg == nil || !slices.Contains(cfg.EnvAllow, name) {
		return ""
	}
	return os.Getenv(name)
}
