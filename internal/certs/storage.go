package certs

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/caddyserver/certmagic"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// DefaultStorageDir is Caddy's default data directory on Linux:
// $XDG_DATA_HOME/caddy, else $HOME/.local/share/caddy. Certificates kept
// there by Caddy are found and reused, and the other way round.
func DefaultStorageDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "caddy"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("certs: no $XDG_DATA_HOME or $HOME for the default certificate storage; set `storage file_system { root DIR }`")
	}
	return filepath.Join(home, ".local", "share", "caddy"), nil
}

// storageOf returns the file storage a storage module names, or the
// default storage when m is empty.
func storageOf(m *caddyconf.StorageModule, def certmagic.Storage) (certmagic.Storage, error) {
	if m == nil || m.Value == nil {
		return def, nil
	}
	fs := m.Value.(*caddyconf.FileStorage) // the only storage Parse accepts
	if fs.Root == "" {
		dir, err := DefaultStorageDir()
		if err != nil {
			return nil, err
		}
		return &certmagic.FileStorage{Path: dir}, nil
	}
	return &certmagic.FileStorage{Path: fs.Root}, nil
}
