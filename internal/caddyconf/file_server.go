package caddyconf

// FileServer serves static files, as Caddy's fileserver.FileServer.
type FileServer struct {
	// FS names a file system; only the default is supported.
	FS string `json:"fs,omitempty"`
	// Root is the site root (default "{http.vars.root}" or the cwd).
	Root string `json:"root,omitempty"`
	// Hide are paths or globs never served.
	Hide []string `json:"hide,omitempty"`
	// IndexNames are the index files tried for directories.
	IndexNames []string `json:"index_names,omitempty"`
	// Browse enables directory listings.
	Browse *Browse `json:"browse,omitempty"`
	// CanonicalURIs redirects to add or remove trailing slashes.
	CanonicalURIs *bool `json:"canonical_uris,omitempty"`
	// StatusCode overrides the success status.
	StatusCode WeakString `json:"status_code,omitempty"`
	// PassThru calls the next handler instead of returning 404.
	PassThru bool `json:"pass_thru,omitempty"`
	// Precompressed serves sidecar files (.gz, .zst, .br) by encoding.
	Precompressed *Precompressed `json:"precompressed,omitempty"`
	// PrecompressedOrder is the preference among Precompressed encodings.
	PrecompressedOrder []string `json:"precompressed_order,omitempty"`
	// EtagFileExtensions are sidecar extensions holding ETags.
	EtagFileExtensions []string `json:"etag_file_extensions,omitempty"`
}

// ModuleName returns "file_server".
func (*FileServer) ModuleName() string { return "file_server" }

// Browse configures directory listings, as Caddy's fileserver.Browse.
type Browse struct {
	// TemplateFile replaces the listing template; not supported.
	TemplateFile unsupportedField `json:"template_file,omitempty"`
	// RevealSymlinks shows symlink targets.
	RevealSymlinks bool `json:"reveal_symlinks,omitempty"`
	// Sort is the default sort ("name", "size", "time"; "asc"/"desc").
	Sort []string `json:"sort,omitempty"`
	// FileLimit caps the entries listed.
	FileLimit int `json:"file_limit,omitempty"`
	// PlainTimeFormat formats times in the plain-text listing.
	PlainTimeFormat string `json:"plain_time_format,omitempty"`
}

// Precompressed is the http.precompressed module map.
type Precompressed struct {
	// Br serves .br files.
	Br *struct{} `json:"br,omitempty"`
	// Gzip serves .gz files.
	Gzip *struct{} `json:"gzip,omitempty"`
	// Zstd serves .zst files.
	Zstd *struct{} `json:"zstd,omitempty"`
}

func (*Precompressed) moduleKind() string { return "precompressed encoding" }
