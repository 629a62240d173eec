package helpers

import (
	"path"
	"strings"
)

// matchPath is Caddy's MatchPath for patterns without '%' (the compiler
// rejects those, see CheckPathPattern): the decoded path, lower-cased and
// cleaned (slashes merged unless the pattern has "//"), is compared with
// each lower-cased pattern: "*x*" substring, "*x" suffix, "x*" prefix
// (when that is the pattern's only '*'), else path.Match, which is an
// exact comparison for patterns without glob characters.
func matchPath(patterns []string, escapedPath string, repl replacer) bool {
	reqPath := strings.ToLower(decodedPath(escapedPath))
	for _, pat := range patterns {
		if strings.Contains(pat, "{") {
			pat = strings.ToLower(repl.replaceAll(pat))
		}
		if pat == "*" {
			return true
		}
		p := cleanPathMerge(reqPath, !strings.Contains(pat, "//"))
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
