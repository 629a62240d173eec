package helpers

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/zeroserve/zeroserve/internal/http1"
)

// Request is the request scripts see and change. The server fills it from
// the parsed request; changes made by scripts (method, URI, headers) apply
// to what later scripts see and to what a proxy sends upstream.
type Request struct {
	Method   string
	Path     string // normalised path, percent-encoding kept (http1.CleanPath)
	RawQuery string // without '?'
	// ForceQuery records a '?' with nothing after it ("/p?"), which
	// URI keeps, as net/url's field of the same name.
	ForceQuery bool
	Scheme     string // "http" or "https"
	ProtoMajor int
	ProtoMinor int
	Peer       string // client address, ip:port
	TLS        bool
	Header     []Field // in received order; names as received
	// BodyStreamed is set when the server streams the body to the proxy
	// instead of buffering it: scripts see an empty body
	// (zs_req_body_json answers -1).
	BodyStreamed bool
	// MaxBodyBytes, when > 0, is the most body bytes a streamed body may
	// carry (request_body max_size): the proxy cuts the upstream request
	// past it and answers 413 if no response head was sent yet.
	MaxBodyBytes int64
}

// Field is one header field line.
type Field struct{ Name, Value string }

// Reset clears the request, keeping its header slice.
func (r *Request) Reset() {
	*r = Request{Header: r.Header[:0]}
}

// Get returns the values of the header name (ASCII case-insensitive),
// joined with ", " when it is repeated, and whether it is present.
func (r *Request) Get(name string) (string, bool) {
	var out string
	found := false
	for _, f := range r.Header {
		if strings.EqualFold(f.Name, name) {
			if found {
				out += ", " + f.Value
			} else {
				out, found = f.Value, true
			}
		}
	}
	return out, found
}

// Set replaces every value of the header name with value.
func (r *Request) Set(name, value string) {
	r.Delete(name)
	r.Header = append(r.Header, Field{name, value})
}

// Add appends a value of the header name; Host is replaced, not repeated.
func (r *Request) Add(name, value string) {
	if strings.EqualFold(name, "host") {
		r.Set(name, value)
		return
	}
	r.Header = append(r.Header, Field{name, value})
}

// Delete removes the headers matching pattern: a name, "Foo*" (prefix),
// "*Foo" (suffix), "*Foo*" (substring) or "*" (all), ASCII
// case-insensitive.
func (r *Request) Delete(pattern string) {
	kept := r.Header[:0]
	for _, f := range r.Header {
		if !nameMatches(pattern, f.Name) {
			kept = append(kept, f)
		}
	}
	clear(r.Header[len(kept):])
	r.Header = kept
}

// headerPattern returns the matcher of pattern p (see Delete).
func headerPattern(p string) func(string) bool {
	return func(n string) bool { return nameMatches(p, n) }
}

// nameMatches reports whether the field name n matches pattern p (see
// Delete), without allocating.
func nameMatches(p, n string) bool {
	pre, suf := strings.HasSuffix(p, "*"), strings.HasPrefix(p, "*")
	switch {
	case p == "*":
		return true
	case pre && suf:
		return containsFold(n, p[1:len(p)-1])
	case pre:
		p = p[:len(p)-1]
		return len(n) >= len(p) && asciiEqualFold(n[:len(p)], p)
	case suf:
		p = p[1:]
		return len(n) >= len(p) && asciiEqualFold(n[len(n)-len(p):], p)
	}
	return asciiEqualFold(n, p)
}

// containsFold reports whether sub is within s, ASCII case-insensitively.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if asciiEqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// asciiEqualFold reports whether a and b are equal under ASCII case
// folding (header names are ASCII tokens).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// URI returns the path and, when there is one, '?' and the raw query
// (a lone '?' too, with ForceQuery).
func (r *Request) URI() string {
	if r.RawQuery == "" {
		if r.ForceQuery {
			return r.Path + "?"
		}
		return r.Path
	}
	return r.Path + "?" + r.RawQuery
}

// SetURI replaces path and query from a request-target "path[?query]". The
// path is cleaned as the server cleans incoming paths.
func (r *Request) SetURI(uri string) error {
	if uri == "" {
		return fmt.Errorf("empty URI")
	}
	path, query, hasQuery := strings.Cut(uri, "?")
	if path == "" {
		path = r.Path
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Errorf("URI %q: path does not start with /", uri)
	}
	clean, err := http1.CleanPath(nil, []byte(path))
	if err != nil {
		return fmt.Errorf("URI %q: %v", uri, err)
	}
	if strings.ContainsAny(query, " \r\n\x00#") {
		return fmt.Errorf("URI %q: invalid query", uri)
	}
	r.Path, r.RawQuery, r.ForceQuery = string(clean), query, hasQuery && query == ""
	return nil
}

// QueryParam returns the first form-decoded value of the query parameter
// name, and whether it is present.
func (r *Request) QueryParam(name string) (string, bool) {
	q, _ := url.ParseQuery(r.RawQuery)
	v, ok := q[name]
	if !ok || len(v) == 0 {
		return "", ok
	}
	return v[0], true
}
