package compile

import (
	"github.com/zeroserve/zeroserve/internal/caddyconf"
	"github.com/zeroserve/zeroserve/internal/helpers"
)

func init() {
	handlerConfigs["encode"] = func(h *caddyconf.LoweredHandler) (any, error) {
		return encodeConfig(h.Path, h.Module.(*caddyconf.Encode))
	}
}

// Caddy's encode defaults (encode.Encode.Provision, caddygzip, caddyzstd).
const (
	defaultGzipLevel     = 5
	defaultEncodeMinimum = 512
)

// defaultEncodeTypes is the Content-Type list Caddy's encode matches when
// the config has no match.
var defaultEncodeTypes = []string{
	"application/atom+xml*", "application/eot*", "application/font*",
	"application/geo+json*", "application/graphql+json*",
	"application/graphql-response+json*", "application/javascript*",
	"application/json*", "application/ld+json*", "application/manifest+json*",
	"application/opentype*", "application/otf*", "application/rss+xml*",
	"application/truetype*", "application/ttf*", "application/vnd.api+json*",
	"application/vnd.ms-fontobject*", "application/wasm*",
	"application/x-httpd-cgi*", "application/x-javascript*",
	"application/x-opentype*", "application/x-otf*", "application/x-perl*",
	"application/x-protobuf*", "application/x-ttf*", "application/xhtml+xml*",
	"application/xml*", "font/ttf*", "font/otf*", "image/svg+xml*",
	"image/vnd.microsoft.icon*", "image/x-icon*", "multipart/bag*",
	"multipart/mixed*", "text/*",
}

// encodeConfig is Caddy's Encode.Provision: the defaults made explicit.
// An encode without encodings is an error (Caddy would serve it and never
// encode); so is a prefer naming an encoding that is not enabled.
func encodeConfig(path string, m *caddyconf.Encode) (*helpers.CaddyEncode, error) {
	c := &helpers.CaddyEncode{Prefer: m.Prefer, MinimumLength: m.MinimumLength, Match: m.Match}
	if e := m.Encodings; e != nil {
		if e.Gzip != nil {
			level := e.Gzip.Level
			if level == 0 {
				level = defaultGzipLevel
			}
			c.Gzip = &level
		}
		if e.Zstd != nil {
			c.Zstd = e.Zstd.Level
			if c.Zstd == "" {
				c.Zstd = "default"
			}
			c.ZstdChecksum = e.Zstd.Checksum
		}
	}
	if c.Gzip == nil && c.Zstd == "" {
		return nil, &Error{Path: path + ".encodings", Msg: "encode without an encoding (gzip or zstd) compresses nothing"}
	}
	if c.MinimumLength == 0 {
		c.MinimumLength = defaultEncodeMinimum
	}
	if c.Match == nil {
		c.Match = &caddyconf.ResponseMatcher{Headers: map[string][]string{"Content-Type": defaultEncodeTypes}}
	}
	if len(c.Prefer) == 0 {
		// Caddy's default order is zstd, br, gzip; br is not offered.
		if c.Zstd != "" {
			c.Prefer = append(c.Prefer, "zstd")
		}
		if c.Gzip != nil {
			c.Prefer = append(c.Prefer, "gzip")
		}
	}
	return c, nil
}
