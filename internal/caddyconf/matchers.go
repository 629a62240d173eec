package caddyconf

import "encoding/json"

// MatcherSet is one matcher set: every matcher present must match (AND),
// as one element of Caddy's caddyhttp.RawMatcherSets. Each field is the
// Caddy matcher module of the same name.
type MatcherSet struct {
	// Host matches the Host header (case-insensitive, "*" for one label).
	Host []string `json:"host,omitempty"`
	// Path matches the cleaned request path with Caddy's path rules.
	Path []string `json:"path,omitempty"`
	// PathRegexp matches the path against a regular expression.
	PathRegexp *MatchRegexp `json:"path_regexp,omitempty"`
	// Method matches the request method.
	Method []string `json:"method,omitempty"`
	// Header matches header fields; a null value list means "absent".
	Header map[string][]string `json:"header,omitempty"`
	// HeaderRegexp matches header fields against regular expressions.
	HeaderRegexp map[string]*MatchRegexp `json:"header_regexp,omitempty"`
	// Query matches query parameters.
	Query map[string][]string `json:"query,omitempty"`
	// RemoteIP matches the connection's peer address.
	RemoteIP *MatchIP `json:"remote_ip,omitempty"`
	// ClientIP matches the client address (after trusted proxies).
	ClientIP *MatchIP `json:"client_ip,omitempty"`
	// Protocol matches "http", "https", "grpc", "http/1.1", "http/2"...
	Protocol string `json:"protocol,omitempty"`
	// Not matches when none of its matcher sets match.
	Not []MatcherSet `json:"not,omitempty"`
	// Expression is a CEL expression.
	Expression *MatchExpression `json:"expression,omitempty"`
	// File matches when a file exists (try_files).
	File *MatchFile `json:"file,omitempty"`
	// Vars matches variables or placeholders against values.
	Vars map[string][]string `json:"vars,omitempty"`
	// VarsRegexp matches variables or placeholders against expressions.
	VarsRegexp map[string]*MatchRegexp `json:"vars_regexp,omitempty"`
}

func (*MatcherSet) moduleKind() string { return "matcher" }

// MatchRegexp is a named regular expression, as Caddy's
// caddyhttp.MatchRegexp; captures become {re.<name>.<group>}.
type MatchRegexp struct {
	// Name names the captures in placeholders.
	Name string `json:"name,omitempty"`
	// Pattern is the RE2 expression.
	Pattern string `json:"pattern"`
}

// MatchIP matches addresses in CIDR ranges, as Caddy's MatchRemoteIP and
// MatchClientIP.
type MatchIP struct {
	// Ranges are IPs or CIDR ranges (placeholders allowed).
	Ranges []string `json:"ranges,omitempty"`
}

// MatchFile matches requests by files on disk, as Caddy's
// fileserver.MatchFile.
type MatchFile struct {
	// FS names a file system; only the default is supported.
	FS string `json:"fs,omitempty"`
	// Root is the base directory.
	Root string `json:"root,omitempty"`
	// TryFiles are paths to try, in order.
	TryFiles []string `json:"try_files,omitempty"`
	// TryPolicy is first_exist (default), first_exist_fallback, smallest_size,
	// largest_size or most_recently_modified.
	TryPolicy string `json:"try_policy,omitempty"`
	// SplitPath splits the path at these substrings (e.g. ".php").
	SplitPath []string `json:"split_path,omitempty"`
}

// MatchExpression is a CEL matcher, as Caddy's caddyhttp.MatchExpression.
// JSON gives it as a string or as {"expr": ..., "name": ...}; it marshals
// as a string when Name is empty.
type MatchExpression struct {
	// Expr is the CEL expression.
	Expr string `json:"expr,omitempty"`
	// Name names regexp captures made by the expression.
	Name string `json:"name,omitempty"`
}

func (m *MatchExpression) decodeJSON(d *decoder, path string, raw json.RawMessage) error {
	if len(raw) > 0 && raw[0] == '"' {
		*m = MatchExpression{}
		if err := json.Unmarshal(raw, &m.Expr); err != nil {
			return typeError(path, raw, "a string")
		}
		return nil
	}
	obj, err := object(path, raw)
	if err != nil {
		return typeError(path, raw, "a string or an object")
	}
	type plain MatchExpression
	var p plain
	if err := d.fields(path, obj, reflectValue(&p), ""); err != nil {
		return err
	}
	*m = MatchExpression(p)
	return nil
}

// MarshalJSON writes the expression as a string when it has no name.
func (m MatchExpression) MarshalJSON() ([]byte, error) {
	if m.Name == "" {
		return json.Marshal(m.Expr)
	}
	type plain MatchExpression
	return json.Marshal(plain(m))
}
