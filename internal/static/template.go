package static

import (
	"bytes"
	"strings"
)

// Template markers: <zs-meta> key </zs-meta> in an HTML or XML file of a
// site is replaced by the request's metadata value for key (the original
// zeroserve's template pass, reference §1.5).
const (
	metaOpen  = "<zs-meta>"
	metaClose = "</zs-meta>"
)

// MaxTemplate is the largest file the template pass reads; a larger one
// is sent as it is.
const MaxTemplate = 1 << 20

// Templated reports whether files of media type ctype get the template
// pass: HTML and XML.
func Templated(ctype string) bool {
	t, _, _ := strings.Cut(ctype, ";")
	t = strings.TrimSpace(t)
	return t == "text/html" || t == "text/xml" || t == "application/xml" || strings.HasSuffix(t, "+xml")
}

// ExpandMeta replaces every <zs-meta> key </zs-meta> of body (the key
// trimmed) by lookup(key); unknown keys should give "". ok is false, and
// body is returned as is, when there is no complete marker.
func ExpandMeta(body []byte, lookup func(key string) string) (out []byte, ok bool) {
	for {
		i := bytes.Index(body, []byte(metaOpen))
		if i < 0 {
			break
		}
		j := bytes.Index(body[i+len(metaOpen):], []byte(metaClose))
		if j < 0 {
			break
		}
		key := strings.TrimSpace(string(body[i+len(metaOpen) : i+len(metaOpen)+j]))
		out = append(out, body[:i]...)
		out = append(out, lookup(key)...)
		body = body[i+len(metaOpen)+j+len(metaClose):]
		ok = true
	}
	if !ok {
		return body, false
	}
	return append(out, body...), true
}
