package compile

import (
	"fmt"
	"slices"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["file_server"] = fileServerConfig
}

// fileServerConfig converts Caddy's file_server to the helper's
// configuration: root (default {http.vars.root}, as Caddy provisions it),
// hide, index_names, canonical_uris, status_code, pass_thru,
// precompressed (gzip, zstd, br), precompressed_order and
// etag_file_extensions. browse and fs are unsupported errors naming them.
func fileServerConfig(h *caddyconf.LoweredHandler) (any, error) {
	m := h.Module.(*caddyconf.FileServer)
	if m.FS != "" {
		return nil, &caddyconf.UnsupportedError{Kind: "file_server field", Name: "fs", Path: h.Path + ".fs"}
	}
	if m.Browse != nil {
		return nil, &caddyconf.UnsupportedError{Kind: "file_server field", Name: "browse", Path: h.Path + ".browse"}
	}
	cfg := &helpers.CaddyFileServer{
		Root:               m.Root,
		Hide:               m.Hide,
		IndexNames:         m.IndexNames,
		CanonicalURIs:      m.CanonicalURIs,
		StatusCode:         string(m.StatusCode),
		PassThru:           m.PassThru,
		PrecompressedOrder: m.PrecompressedOrder,
		EtagFileExtensions: m.EtagFileExtensions,
	}
	if cfg.Root == "" {
		cfg.Root = "{http.vars.root}"
	}
	if p := m.Precompressed; p != nil {
		cfg.Precompressed = map[string]struct{}{}
		for name, on := range map[string]bool{"br": p.Br != nil, "gzip": p.Gzip != nil, "zstd": p.Zstd != nil} {
			if on {
				cfg.Precompressed[name] = struct{}{}
			}
		}
	}
	for i, enc := range cfg.PrecompressedOrder {
		if !slices.Contains([]string{"br", "gzip", "zstd"}, enc) {
			return nil, &Error{Path: fmt.Sprintf("%s.precompressed_order[%d]", h.Path, i), Msg: "unknown encoding " + enc}
		}
	}
	return cfg, nil
}
