package caddyconf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnsupported is matched (with errors.Is) by every UnsupportedError.
var ErrUnsupported = errors.New("unsupported")

// PathError is a schema error at a JSON path such as
// "apps.http.servers.srv0.routes[3].handle[0]".
type PathError struct {
	// Path locates the offending value; "" is the document root.
	Path string
	// Msg says what is wrong, e.g. `unknown field "hanlde"`.
	Msg string
}

// Error returns "path: msg".
func (e *PathError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// UnsupportedError reports a Caddy module (handler, matcher, transport,
// issuer, ...) that zeroserve does not implement, with its JSON path.
type UnsupportedError struct {
	// Kind is the module family, e.g. "handler" or "matcher".
	Kind string
	// Name is the module name as written in the JSON, e.g. "templates".
	Name string
	// Path locates the module's object (or, for module maps, its key).
	Path string
}

// Error returns `unsupported handler "templates" at apps.http...`.
func (e *UnsupportedError) Error() string {
	at := e.Path
	if at == "" {
		at = "(root)"
	}
	return fmt.Sprintf("unsupported %s %q at %s", e.Kind, e.Name, at)
}

// Is reports whether target is ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Warning is a field that zeroserve accepts but ignores because it cannot
// change request handling (metrics, some log tuning, ...).
type Warning struct {
	// Path locates the ignored value.
	Path string
	// Msg says what is ignored and why.
	Msg string
}

// String returns "path: msg".
func (w Warning) String() string { return w.Path + ": " + w.Msg }

// joinKey appends an object key to a JSON path. Keys that are not plain
// identifiers are written in brackets, quoted: servers["a.b"].
func joinKey(path, key string) string {
	if key != "" && plainKey(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// joinIndex appends an array index to a JSON path.
func joinIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func plainKey(key string) bool {
	return !strings.ContainsAny(key, ".[]\"' \t\r\n") && strings.IndexFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }) < 0
}
