package helpers

import (
	"net/url"
	"path"
	"strings"
)

// pathPattern is a path matcher's pattern, lower-cased unless it has
// placeholders, with what matchPath asks of it worked out once.
type pathPattern struct {
	pat     string
	dynamic bool // has placeholders, replaced (and the rest worked out) per request
	merge   bool // no "//": the request path is cleaned merging slashes
	escaped bool // has '%': compared in escaped space (matchEscaped)
	stars   int  // number of '*'
}

// newPathPattern works out what matchPath asks of pat.
func newPathPattern(pat string) pathPattern {
	return pathPattern{
		pat:     pat,
		dynamic: strings.Contains(pat, "{"),
		merge:   !strings.Contains(pat, "//"),
		escaped: strings.Contains(pat, "%"),
		stars:   strings.Count(pat, "*"),
	}
}

// matchPath is Caddy's MatchPath: the decoded path, lower-cased and
// cleaned (slashes merged unless the pattern has "//"), is compared with
// each lower-cased pattern: "*x*" substring, "*x" suffix, "x*" prefix
// (when that is the pattern's only '*'), else path.Match, which is an
// exact comparison for patterns without glob characters. A pattern with
// '%' compares in escaped space where it has escapes (matchEscaped).
func matchPath(patterns []pathPattern, escapedPath string, repl replacer) bool {
	reqPath := escapedPath
	if strings.IndexByte(escapedPath, '%') >= 0 {
		reqPath = decodedPath(escapedPath)
	}
	reqPath = strings.ToLower(reqPath)
	var cleaned [2]string // reqPath cleaned without and with merging slashes, once needed
	for _, pp := range patterns {
		if pp.dynamic {
			pp = newPathPattern(strings.ToLower(repl.replaceAll(pp.pat)))
		}
		pat := pp.pat
		if pat == "*" {
			return true
		}
		if pp.escaped {
			if matchEscaped(cleanPathMerge(escapedPath, pp.merge), pat) {
				return true
			}
			continue
		}
		m := 0
		if pp.merge {
			m = 1
		}
		if cleaned[m] == "" {
			cleaned[m] = cleanPathMerge(reqPath, pp.merge)
		}
		p := cleaned[m]
		switch {
		case pp.stars == 2 && len(pat) > 1 && pat[0] == '*' && pat[len(pat)-1] == '*':
			if strings.Contains(p, pat[1:len(pat)-1]) {
				return true
			}
			continue
		case pp.stars == 1 && pat[0] == '*':
			if strings.HasSuffix(p, pat[1:]) {
				return true
			}
			continue
		case pp.stars == 1 && pat[len(pat)-1] == '*':
			if strings.HasPrefix(p, pat[:len(pat)-1]) {
				return true
			}
			continue
		}
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
	}
	return false
}

// cleanPathMerge is Caddy's caddyhttp.CleanPath: path.Clean keeping a
// trailing slash; without merging, empty segments ("//") survive.
func cleanPathMerge(p string, mergeSlashes bool) string {
	const tmp = "\xff"
	if mergeSlashes {
		return cleanPath(p)
	}
	if isCleanPath(p) && strings.IndexByte(p, tmp[0]) < 0 {
		return p
	}
	var sb strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			sb.WriteString(tmp)
		}
		sb.WriteByte(p[i])
	}
	return strings.ReplaceAll(cleanPath(sb.String()), tmp, "")
}

// cleanPath is path.Clean keeping a trailing slash (Caddy's cleanPath).
func cleanPath(p string) string {
	if isCleanPath(p) {
		return p
	}
	c := path.Clean(p)
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c
}

// isCleanPath reports whether cleanPath leaves p as it is: p is rooted
// and has no empty, "." or ".." segment, except an empty last one (a
// trailing slash). The server's requests mostly have such paths.
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		seg := p[i+1:]
		if j := strings.IndexByte(seg, '/'); j >= 0 {
			seg = seg[:j]
		} else if seg == "" {
			return true // a trailing slash
		}
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		i += len(seg)
	}
	return true
}

// matchEscaped is Caddy's matchPatternWithEscapeSequence: the pattern and
// the escaped path are walked together; where the pattern has an escape
// ("%2f") the path's escape is kept, where it has "%*" the path's bytes
// are kept escaped up to the pattern's next byte, elsewhere the path is
// decoded; the result is then globbed against the pattern ("%*" as "*").
func matchEscaped(escaped, pat string) bool {
	escaped = strings.ToLower(escaped)
	var sb strings.Builder
	i, j := 0, 0 // i in pat, j in escaped
	for i < len(pat) && j < len(escaped) {
		ch := escaped[j : j+1]
		var esc string
		if ch == "%" && len(escaped) >= j+3 {
			esc = escaped[j : j+3]
			d, err := url.PathUnescape(esc)
			if err != nil {
				return false
			}
			ch = d
			j += 2
		}
		decode := true
		switch pat[i] {
		case '%':
			if len(pat) >= i+3 && pat[i+1] != '*' {
				sb.WriteString(esc)
				j++
				i += 3
				continue
			}
			i++
			decode = false
			fallthrough
		case '*':
			rest := escaped[j:]
			until := len(escaped) - j
			if i < len(pat)-1 {
				until = strings.IndexByte(rest, pat[i+1])
				if until < 0 {
					return false
				}
			}
			if until > 0 {
				next := rest[:until]
				if decode {
					d, err := url.PathUnescape(next)
					if err != nil {
						return false
					}
					next = d
				}
				sb.WriteString(next)
				j += until
			}
		default:
			sb.WriteString(ch)
			j++
		}
		i++
	}
	if j < len(escaped) {
		rest := escaped[j:]
		if d, err := url.PathUnescape(rest); err == nil {
			rest = d
		}
		sb.WriteString(rest)
	}
	ok, _ := path.Match(strings.ReplaceAll(pat, "%*", "*"), strings.ToLower(sb.String()))
	return ok
}
