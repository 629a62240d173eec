package certs

import (
	"context"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// loadCertificates caches the tls app's certificate loaders: files and
// inline PEM (with their tags, for connection policies' selection),
// folders of PEM bundles (certificate and key in one .pem file, as
// Caddy's load_folders) and the `automate` names, which are managed.
func (b *builder) loadCertificates() error {
	cl := b.app.Certificates
	if cl == nil {
		return nil
	}
	ctx := context.Background()
	magic := b.m.public.magic
	for i, f := range cl.LoadFiles {
		if f.Format != "" && f.Format != "pem" {
			return unsupported("certificate format", f.Format, fmt.Sprintf("apps.tls.certificates.load_files[%d].format", i))
		}
		if _, err := magic.CacheUnmanagedCertificatePEMFile(ctx, f.Certificate, f.Key, f.Tags); err != nil {
			return fmt.Errorf("apps.tls.certificates.load_files[%d]: %w", i, err)
		}
	}
	for i, p := range cl.LoadPEM {
		if _, err := magic.CacheUnmanagedCertificatePEMBytes(ctx, []byte(p.Certificate), []byte(p.Key), p.Tags); err != nil {
			return fmt.Errorf("apps.tls.certificates.load_pem[%d]: %w", i, err)
		}
	}
	for i, dir := range cl.LoadFolders {
		if err := b.loadFolder(ctx, dir); err != nil {
			return fmt.Errorf("apps.tls.certificates.load_folders[%d]: %w", i, err)
		}
	}
	b.m.Manage(cl.Automate...)
	return nil
}

// loadFolder caches every .pem file under dir that holds a certificate
// and a key.
func (b *builder) loadFolder(ctx context.Context, dir string) error {
	return filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".pem") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var certs, keys []byte
		for rest := data; ; {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			switch {
			case blk.Type == "CERTIFICATE":
				certs = append(certs, pem.EncodeToMemory(blk)...)
			case strings.HasSuffix(blk.Type, "PRIVATE KEY"):
				keys = append(keys, pem.EncodeToMemory(blk)...)
			}
		}
		if len(certs) == 0 || len(keys) == 0 {
			return fmt.Errorf("%s: a bundle needs a certificate and a private key", path)
		}
		if _, err := b.m.public.magic.CacheUnmanagedCertificatePEMBytes(ctx, certs, keys, nil); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
