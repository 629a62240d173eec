package static

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrBadPath is returned by CleanPath for a request path that must be
// answered 400: a bad percent escape, an encoded slash or NUL, a ".." that
// climbs above the root, or a segment that is not UTF-8.
var ErrBadPath = errors.New("static: bad request path")

// CleanPath turns a request path (the part of the target before '?', still
// percent-encoded) into a Source name, as the original zeroserve's static
// lookup does: split on '/', decode each segment, drop "." and empty
// segments, pop on "..".
func CleanPath(raw string) (string, error) {
	if raw == "" || raw[0] != '/' {
		return "", ErrBadPath
	}
	var segs []string
	rest := raw[1:]
	for {
		seg, more, found := strings.Cut(rest, "/")
		if seg != "" {
			dec, err := unescape(seg)
			if err != nil {
				return "", err
			}
			switch dec {
			case ".":
			case "..":
				if len(segs) == 0 {
					return "", ErrBadPath
				}
				segs = segs[:len(segs)-1]
			default:
				segs = append(segs, dec)
			}
		}
		if !found {
			break
		}
		rest = more
	}
	return strings.Join(segs, "/"), nil
}

// unescape percent-decodes one path segment, rejecting what CleanPath
// rejects.
func unescape(seg string) (string, error) {
	if !strings.ContainsRune(seg, '%') {
		if strings.IndexByte(seg, 0) >= 0 || !utf8.ValidString(seg) {
			return "", ErrBadPath
		}
		return seg, nil
	}
	b := make([]byte, 0, len(seg))
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c == '%' {
			if i+2 >= len(seg) {
				return "", ErrBadPath
			}
			hi, ok1 := unhex(seg[i+1])
			lo, ok2 := unhex(seg[i+2])
			if !ok1 || !ok2 {
				return "", ErrBadPath
			}
			c = hi<<4 | lo
			i += 2
		}
		b = append(b, c)
	}
	s := string(b)
	if strings.ContainsAny(s, "/\x00") || !utf8.ValidString(s) {
		return "", ErrBadPath
	}
	return s, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
