package caddyconf

// Headers manipulates request and response header fields, as Caddy's
// headers.Handler (handler "headers").
type Headers struct {
	// Request edits the request header.
	Request *HeaderOps `json:"request,omitempty"`
	// Response edits the response header.
	Response *RespHeaderOps `json:"response,omitempty"`
}

// ModuleName returns "headers".
func (*Headers) ModuleName() string { return "headers" }

// HeaderOps are header edits, applied as add, set, delete, replace, as
// Caddy's headers.HeaderOps.
type HeaderOps struct {
	// Add appends values.
	Add map[string][]string `json:"add,omitempty"`
	// Set replaces values.
	Set map[string][]string `json:"set,omitempty"`
	// Delete removes fields ("*" suffix/prefix globs allowed).
	Delete []string `json:"delete,omitempty"`
	// Replace edits values in place ("*" for every field).
	Replace map[string][]Replacement `json:"replace,omitempty"`
}

// Replacement is a substring or regexp replacement, as Caddy's
// headers.Replacement.
type Replacement struct {
	// Search is a substring to find.
	Search string `json:"search,omitempty"`
	// SearchRegexp is a regular expression to find.
	SearchRegexp string `json:"search_regexp,omitempty"`
	// Replace is the replacement (with $1 for regexp captures).
	Replace string `json:"replace,omitempty"`
}

// RespHeaderOps are response header edits, as Caddy's headers.RespHeaderOps.
type RespHeaderOps struct {
	HeaderOps
	// Require applies the edits only to matching responses.
	Require *ResponseMatcher `json:"require,omitempty"`
	// Deferred applies the edits when the response header is written.
	Deferred bool `json:"deferred,omitempty"`
}

// ResponseMatcher matches a response by status and header fields, as
// Caddy's caddyhttp.ResponseMatcher.
type ResponseMatcher struct {
	// StatusCode matches statuses; 2, 3, 4, 5 match a whole class.
	StatusCode []int `json:"status_code,omitempty"`
	// Headers matches header fields; a null value list means "absent".
	Headers map[string][]string `json:"headers,omitempty"`
}

// Rewrite changes the request URI or method, as Caddy's rewrite.Rewrite.
type Rewrite struct {
	// Method replaces the method.
	Method string `json:"method,omitempty"`
	// URI replaces the URI (path and/or query; placeholders expanded).
	URI string `json:"uri,omitempty"`
	// StripPathPrefix removes a path prefix.
	StripPathPrefix string `json:"strip_path_prefix,omitempty"`
	// StripPathSuffix removes a path suffix.
	StripPathSuffix string `json:"strip_path_suffix,omitempty"`
	// URISubstring replaces substrings of the URI.
	URISubstring []SubstringReplacer `json:"uri_substring,omitempty"`
	// PathRegexp replaces regexp matches in the path.
	PathRegexp []RegexReplacer `json:"path_regexp,omitempty"`
	// Query edits the query string.
	Query *QueryOps `json:"query,omitempty"`
}

// ModuleName returns "rewrite".
func (*Rewrite) ModuleName() string { return "rewrite" }

// SubstringReplacer is one substring replacement, as Caddy's
// rewrite.substrReplacer.
type SubstringReplacer struct {
	// Find is the substring.
	Find string `json:"find,omitempty"`
	// Replace is the replacement.
	Replace string `json:"replace,omitempty"`
	// Limit caps the replacements (0 or less: all).
	Limit int `json:"limit,omitempty"`
}

// RegexReplacer is one regexp replacement, as Caddy's rewrite.regexReplacer.
type RegexReplacer struct {
	// Find is the expression.
	Find string `json:"find,omitempty"`
	// Replace is the replacement ($1 for captures).
	Replace string `json:"replace,omitempty"`
}

// QueryOps edit the query string in the order rename, set, add, replace,
// delete, as Caddy's rewrite.queryOps.
type QueryOps struct {
	// Rename renames keys (Key to Val).
	Rename []QueryArg `json:"rename,omitempty"`
	// Set sets keys.
	Set []QueryArg `json:"set,omitempty"`
	// Add appends values.
	Add []QueryArg `json:"add,omitempty"`
	// Replace edits values.
	Replace []QueryReplacement `json:"replace,omitempty"`
	// Delete removes keys.
	Delete []string `json:"delete,omitempty"`
}

// QueryArg is a key and a value, as Caddy's rewrite.queryOpsArguments.
type QueryArg struct {
	// Key is the parameter name.
	Key string `json:"key,omitempty"`
	// Val is the value (or new name for Rename).
	Val string `json:"val,omitempty"`
}

// QueryReplacement replaces in a parameter's values, as Caddy's
// rewrite.queryOpsReplacement.
type QueryReplacement struct {
	// Key is the parameter ("*" for all).
	Key string `json:"key,omitempty"`
	// Search is a substring to find.
	Search string `json:"search,omitempty"`
	// SearchRegexp is an expression to find.
	SearchRegexp string `json:"search_regexp,omitempty"`
	// Replace is the replacement.
	Replace string `json:"replace,omitempty"`
}
