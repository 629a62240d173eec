package caddyconf

// Encode compresses responses, as Caddy's encode.Encode.
type Encode struct {
	// Encodings are the enabled encoders by name.
	Encodings *Encodings `json:"encodings,omitempty"`
	// Prefer orders the encodings when the client accepts several equally.
	Prefer []string `json:"prefer,omitempty"`
	// MinimumLength is the smallest body that is compressed.
	MinimumLength int `json:"minimum_length,omitempty"`
	// Match limits compression to matching responses.
	Match *ResponseMatcher `json:"match,omitempty"`
}

// ModuleName returns "encode".
func (*Encode) ModuleName() string { return "encode" }

// Encodings is the http.encoders module map.
type Encodings struct {
	// Gzip enables gzip.
	Gzip *Gzip `json:"gzip,omitempty"`
	// Zstd enables zstd.
	Zstd *Zstd `json:"zstd,omitempty"`
}

func (*Encodings) moduleKind() string { return "encoder" }

// Gzip is the gzip encoder, as Caddy's caddygzip.Gzip.
type Gzip struct {
	// Level is the compression level (1–9).
	Level int `json:"level,omitempty"`
}

// Zstd is the zstd encoder, as Caddy's caddyzstd.Zstd.
type Zstd struct {
	// Level is "fastest", "better", "best" or "default".
	Level string `json:"level,omitempty"`
	// Checksum adds a checksum to each frame.
	Checksum *bool `json:"checksum,omitempty"`
}
