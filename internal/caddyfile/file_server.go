package caddyfile

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func init() {
	RegisterHandlerDirective("file_server", parseFileServer)
}

// fileServer is the file_server handler, as Caddy's fileserver.FileServer
// marshals it.
type fileServer struct {
	Handler            string         `json:"handler"`
	Root               string         `json:"root,omitempty"`
	Hide               []string       `json:"hide,omitempty"`
	IndexNames         []string       `json:"index_names,omitempty"`
	Browse             *fileBrowse    `json:"browse,omitempty"`
	CanonicalURIs      *bool          `json:"canonical_uris,omitempty"`
	StatusCode         any            `json:"status_code,omitempty"`
	PassThru           bool           `json:"pass_thru,omitempty"`
	Precompressed      map[string]Obj `json:"precompressed,omitempty"`
	PrecompressedOrder []string       `json:"precompressed_order,omitempty"`
	EtagFileExtensions []string       `json:"etag_file_extensions,omitempty"`
}

// fileBrowse enables directory listings, as Caddy's fileserver.Browse.
type fileBrowse struct {
	TemplateFile    string   `json:"template_file,omitempty"`
	RevealSymlinks  bool     `json:"reveal_symlinks,omitempty"`
	SortOptions     []string `json:"sort,omitempty"`
	FileLimit       int      `json:"file_limit,omitempty"`
	PlainTimeFormat string   `json:"plain_time_format,omitempty"`
}

// precompressedFormats are the precompressed sidecar encodings Caddy
// ships (http.precompressed.*), in its default order.
var precompressedFormats = []string{"br", "zstd", "gzip"}

// parseFileServer parses the file_server directive, as Caddy's
// FileServer.UnmarshalCaddyfile:
//
//	file_server [<matcher>] [browse] {
//	    root   <path>
//	    hide   <files...>
//	    index  <files...>
//	    browse [<template_file>] {
//	        reveal_symlinks
//	        sort <name|namedirfirst|size|time|asc|desc...>
//	        file_limit <n>
//	        plain_time_format <layout>
//	    }
//	    precompressed [<formats...>]
//	    status <status>
//	    disable_canonical_uris
//	    pass_thru
//	    etag_file_extensions <extensions...>
//	}
//
// The Caddyfiles themselves are added to hide. "fs" (other file systems)
// is rejected as unsupported.
func parseFileServer(h Helper) (Obj, error) {
	d := h.Dispenser
	d.Next()
	fs := &fileServer{Handler: "file_server"}
	switch args := d.RemainingArgs(); len(args) {
	case 0:
	case 1:
		if args[0] != "browse" {
			return nil, d.ArgErr()
		}
		fs.Browse = &fileBrowse{}
	default:
		return nil, d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "fs":
			return nil, unsupported(d, "file_server subdirective")
		case "hide":
			hide := d.RemainingArgs()
			if len(hide) == 0 {
				return nil, d.ArgErr()
			}
			fs.Hide = append(fs.Hide, hide...)
		case "index":
			fs.IndexNames = d.RemainingArgs()
			if len(fs.IndexNames) == 0 {
				return nil, d.ArgErr()
			}
		case "root":
			if !d.Args(&fs.Root) {
				return nil, d.ArgErr()
			}
		case "browse":
			if fs.Browse != nil {
				return nil, d.Err("browsing is already configured")
			}
			fs.Browse = &fileBrowse{}
			if err := fs.Browse.parse(h); err != nil {
				return nil, err
			}
		case "precompressed":
			order := d.RemainingArgs()
			if len(order) == 0 {
				order = precompressedFormats
			}
			fs.PrecompressedOrder = order
			for _, format := range order {
				if !slices.Contains(precompressedFormats, format) {
					return nil, d.Errf("getting module named 'http.precompressed.%s': unknown precompressed format", format)
				}
				if fs.Precompressed == nil {
					fs.Precompressed = map[string]Obj{}
				}
				fs.Precompressed[format] = Obj{}
			}
		case "status":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if d.Val() != "" {
				fs.StatusCode = weakString(d.Val())
			}
		case "disable_canonical_uris":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			off := false
			fs.CanonicalURIs = &off
		case "pass_thru":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			fs.PassThru = true
		case "etag_file_extensions":
			exts := d.RemainingArgs()
			if len(exts) == 0 {
				return nil, d.ArgErr()
			}
			fs.EtagFileExtensions = exts
		default:
			return nil, d.Errf("unknown subdirective '%s'", d.Val())
		}
	}
	for _, file := range h.Caddyfiles() {
		file = filepath.Clean(file)
		if !fileHidden(file, fs.Hide) {
			if !strings.Contains(file, string(filepath.Separator)) {
				file = "." + string(filepath.Separator) + file
			}
			fs.Hide = append(fs.Hide, file)
		}
	}
	return structToObj(fs)
}

// parse reads "browse [<template_file>] { ... }" after the browse token.
func (b *fileBrowse) parse(h Helper) error {
	d := h.Dispenser
	d.Args(&b.TemplateFile)
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "reveal_symlinks":
			if b.RevealSymlinks {
				return d.Err("Symlinks path reveal is already enabled")
			}
			b.RevealSymlinks = true
		case "sort":
			for d.NextArg() {
				switch opt := d.Val(); opt {
				case "name", "namedirfirst", "size", "time", "asc", "desc":
					b.SortOptions = append(b.SortOptions, opt)
				default:
					return d.Errf("unknown sort option '%s'", opt)
				}
			}
		case "file_limit":
			args := d.RemainingArgs()
			if len(args) != 1 {
				return d.Err("file_limit should have an integer value")
			}
			n, err := strconv.Atoi(args[0])
			if err != nil {
				return d.Err("file_limit should have an integer value")
			}
			if b.FileLimit != 0 {
				return d.Err("file_limit is already enabled")
			}
			b.FileLimit = n
		case "plain_time_format":
			args := d.RemainingArgs()
			switch {
			case len(args) == 0:
				return d.Err("plain_time_format is missing a time layout argument")
			case len(args) > 1:
				return d.Err("plain_time_format accepts exactly one time layout argument; enclose layouts containing spaces in quotes")
			case args[0] == "":
				return d.Err("plain_time_format requires a non-empty time layout argument")
			case b.PlainTimeFormat != "":
				return d.Err("plain_time_format is already set")
			}
			b.PlainTimeFormat = args[0]
		default:
			return d.Errf("unknown subdirective '%s'", d.Val())
		}
	}
	return nil
}

// fileHidden reports whether filename is covered by one of the hide
// patterns, with the rules of Caddy's fileserver: a pattern without a path
// separator matches any path component, one with a separator matches as a
// path prefix, and every pattern is also a glob over the absolute path.
func fileHidden(filename string, hide []string) bool {
	if len(hide) == 0 {
		return false
	}
	if abs, err := filepath.Abs(filename); err == nil {
		filename = abs
	}
	sep := string(filepath.Separator)
	var components []string
	for _, pattern := range hide {
		if !strings.Contains(pattern, sep) {
			if components == nil {
				components = strings.Split(filename, sep)
			}
			for _, c := range components {
				if hidden, _ := filepath.Match(pattern, c); hidden {
					return true
				}
			}
		} else if rest, ok := strings.CutPrefix(filename, pattern); ok && strings.HasPrefix(rest, sep) {
			return true
		}
		if hidden, _ := filepath.Match(pattern, filename); hidden {
			return true
		}
	}
	return false
}
