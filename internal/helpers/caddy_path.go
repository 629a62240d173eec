package helpers

import (
	"net/url"
	"path"
	"strings"
)

// matchPath is Caddy's MatchPath: the decoded path, lower-cased and
// cleaned (slashes merged unless the pattern has "//"), is compared with
// each lower-cased pattern: "*x*" substring, "*x" suffix, "x*" prefix
// (when that is the pattern's only '*'), else path.Match, which is an
// exact comparison for patterns without glob characters. A pattern with
// '%' compares in escaped space where it has escapes (matchEscaped).
func matchPath(patterns []string, escapedPath string, repl replacer) bool {
	reqPath := strings.ToLower(decodedPath(escapedPath))
	for _, pat := range patterns {
		if strings.Contains(pat, "{") {
			pat = strings.ToLower(repl.replaceAll(pat))
		}
		if pat == "*" {
			return true
		}
		merge := !strings.Contains(pat, "//")
		if strings.Contains(pat, "%") {
			if matchEscaped(cleanPathMerge(escapedPath, merge), pat) {
				return true
			}
			continue
		}
		p := cleanPathMerge(reqPath, merge)
		stars := strings.Count(pat, "*")
		switch {
		case stars == 2 && len(pat) > 1 && pat[0] == '*' && pat[len(pat)-1] == '*':
			if strings.Contains(p, pat[1:len(pat)-1]) {
				return true
			}
			continue
		case stars == 1 && pat[0] == '*':
			if strings.HasSuffix(p, pat[1:]) {
				return true
			}
			continue
		case stars == 1 && pat[len(pat)-1] == '*':
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
	if mergeSlashes {
		return cleanPath(p)
	}
	const tmp = "\xff"
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
	c := path.Clean(p)
	if c != "/" && strings.HasSuffix(p, "/") {
		c += "/"
	}
	return c
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
