package certs

import (
	"os"
	"path/filepath"

	"github.com/caddyserver/certmagic"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// DefaultStorageDir is Caddy's default data directory on Linux:
// $XDG_DATA_HOME/caddy, else $HOME/.local/share/caddy (with "." for an
// unknown home, as Caddy). Certificates kept there by Caddy are found and
// reused, and the other way round.
func DefaultStorageDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "caddy")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		home = "."
	}
	return filepath.Join(home, ".local", "share", "caddy")
}

// storageOf returns the file storage a storage module names, or def when
// m is empty.
func storageOf(m *caddyconf.StorageModule, def certmagic.Storage) certmagic.Storage {
	if m == nil || m.Value == nil {
		return def
	}
	fs := m.Value.(*caddyconf.FileStorage) // the only storage Parse accepts
	if fs.Root == "" {
		return &certmagic.FileStorage{Path: DefaultStorageDir()}
	}
	return &certmagic.FileStorage{Path: fs.Root}
}
