package helpers

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// fileMatcher is Caddy's fileserver.MatchFile on the process's file
// system: it matches when one of the files to try exists under root (by
// the try policy), and then sets {http.matchers.file.relative},
// .absolute, .type and .remainder. Like Caddy it stats files on every
// request (on the worker's thread).
type fileMatcher struct {
	root      string
	tryFiles  []string
	policy    string
	splitPath []string
}

// Try policies of the file matcher.
const (
	tryFirstExist         = "first_exist"
	tryFirstExistFallback = "first_exist_fallback"
	tryLargestSize        = "largest_size"
	trySmallestSize       = "smallest_size"
	tryMostRecentlyMod    = "most_recently_modified"
)

// fileCandidate is a file that may match: its path on disk, that path
// relative to root, and what followed the split_path substring.
type fileCandidate struct {
	full, relative, remainder string
}

func newFileMatcher(raw *caddyconf.MatchFile) (*fileMatcher, error) {
	if raw.FS != "" {
		return nil, fmt.Errorf("file matcher: fs %q is not supported (only the default file system)", raw.FS)
	}
	m := &fileMatcher{root: raw.Root, tryFiles: raw.TryFiles, policy: raw.TryPolicy, splitPath: raw.SplitPath}
	if m.root == "" {
		m.root = "{http.vars.root}"
	}
	if m.tryFiles == nil {
		m.tryFiles = []string{"{http.request.uri.path}"}
	}
	switch m.policy {
	case "", tryFirstExist, tryFirstExistFallback, tryLargestSize, trySmallestSize, tryMostRecentlyMod:
	default:
		return nil, fmt.Errorf("file matcher: unknown try policy %s", m.policy)
	}
	return m, nil
}

// statusFile returns the error of a try_files entry "=<status>" (Caddy's
// parseErrorCode), nil for any other entry.
func statusFile(f string) error {
	if len(f) < 2 || f[0] != '=' {
		return nil
	}
	code, err := strconv.Atoi(f[1:])
	if err != nil || code < 100 || code > 999 {
		return nil
	}
	return &statusError{status: code, message: f[1:]}
}

// globEscaper escapes glob characters in placeholder values, as Caddy's
// globSafeRepl.
var globEscaper = strings.NewReplacer("*", `\*`, "[", `\[`, "?", `\?`, `\`, `\\`)

// match is MatchFile.selectFile: with the first_exist policies, a
// try_files entry "=<status>" reached before a file exists is an error
// with that status.
func (m *fileMatcher) match(ex *Exchange, repl replacer) (bool, error) {
	// Caddy: ReplaceAll(root, ".") (empty values become "."), cleaned.
	root := filepath.Clean(scanPlaceholders(m.root, func(key string) (string, bool) {
		if v, _ := repl.get(key); v != "" {
			return v, true
		}
		return ".", true
	}, true))
	switch m.policy {
	case "", tryFirstExist, tryFirstExistFallback:
		last := -1
		if m.policy == tryFirstExistFallback {
			last = len(m.tryFiles) - 1
		}
		for i, pattern := range m.tryFiles {
			if err := statusFile(pattern); err != nil {
				return false, err
			}
			cands := m.candidates(root, pattern, repl)
			if i == last {
				if len(cands) == 0 {
					cands = []fileCandidate{m.literalCandidate(root, pattern, repl)}
				}
				m.setPlaceholders(ex, cands[0], false)
				return true, nil
			}
			for _, c := range cands {
				if info, ok := strictFileExists(c.full); ok {
					m.setPlaceholders(ex, c, info.IsDir())
					return true, nil
				}
			}
		}
		return false, nil
	}
	var best fileCandidate
	var bestInfo fs.FileInfo
	for _, pattern := range m.tryFiles {
		for _, c := range m.candidates(root, pattern, repl) {
			info, err := os.Stat(c.full)
			if err != nil {
				continue
			}
			if bestInfo == nil ||
				m.policy == tryLargestSize && info.Size() > bestInfo.Size() ||
				m.policy == trySmallestSize && info.Size() < bestInfo.Size() ||
				m.policy == tryMostRecentlyMod && info.ModTime().After(bestInfo.ModTime()) {
				best, bestInfo = c, info
			}
		}
	}
	if bestInfo == nil {
		return false, nil
	}
	m.setPlaceholders(ex, best, bestInfo.IsDir())
	return true, nil
}

// candidates are the files a try_files pattern names: placeholders
// expanded (values glob-escaped), cleaned keeping a trailing slash, split
// at split_path, joined to root and globbed.
func (m *fileMatcher) candidates(root, pattern string, repl replacer) []fileCandidate {
	expanded := scanPlaceholders(pattern, func(key string) (string, bool) {
		v, _ := repl.get(key)
		return globEscaper.Replace(v), true
	}, true)
	cleaned := path.Clean(expanded)
	if strings.HasSuffix(expanded, "/") && !strings.HasSuffix(cleaned, "/") {
		cleaned += "/"
	}
	before, after := m.firstSplit(cleaned)
	if before != "/" && strings.HasSuffix(before, "/") && !strings.HasSuffix(pattern, "/") {
		return nil
	}
	full := sanitizedPathJoin(root, before)
	matches, _ := filepath.Glob(full)
	out := make([]fileCandidate, 0, len(matches))
	for _, f := range matches {
		out = append(out, fileCandidate{full: f, relative: strings.TrimPrefix(f, root), remainder: after})
	}
	return out
}

// literalCandidate is the last file of first_exist_fallback when its
// pattern names nothing on disk: taken as written.
func (m *fileMatcher) literalCandidate(root, pattern string, repl replacer) fileCandidate {
	before, after := m.firstSplit(path.Clean(repl.replaceAll(pattern)))
	if strings.HasSuffix(pattern, "/") {
		before += "/"
	}
	full := sanitizedPathJoin(root, before)
	return fileCandidate{full: full, relative: strings.TrimPrefix(full, root), remainder: after}
}

func (m *fileMatcher) setPlaceholders(ex *Exchange, c fileCandidate, dir bool) {
	st := &ex.caddy
	st.setCapture("http.matchers.file.relative", filepath.ToSlash(c.relative))
	st.setCapture("http.matchers.file.absolute", filepath.ToSlash(c.full))
	st.setCapture("http.matchers.file.remainder", filepath.ToSlash(c.remainder))
	typ := "file"
	if dir {
		typ = "directory"
	}
	st.setCapture("http.matchers.file.type", typ)
}

// firstSplit splits p after the first split_path substring (ASCII
// case-insensitive) that ends p or is followed by "/".
func (m *fileMatcher) firstSplit(p string) (string, string) {
	for _, split := range m.splitPath {
		if i := indexFold(p, split); i > -1 {
			pos := i + len(split)
			if pos != len(p) && !strings.HasPrefix(p[pos:], "/") {
				continue
			}
			return p[:pos], p[pos:]
		}
	}
	return p, ""
}

// indexFold is Caddy's indexFold: the first case-insensitive occurrence
// of needle in haystack, not counting one that ends it.
func indexFold(haystack, needle string) int {
	for i := 0; i+len(needle) < len(haystack); i++ {
		if strings.EqualFold(haystack[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// strictFileExists is Caddy's: a name ending in "/" must be a directory,
// any other must not be.
func strictFileExists(name string) (fs.FileInfo, bool) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, false
	}
	if strings.HasSuffix(name, string(filepath.Separator)) {
		return info, info.IsDir()
	}
	return info, !info.IsDir()
}

// sanitizedPathJoin is Caddy's caddyhttp.SanitizedPathJoin: reqPath
// cleaned and joined under root; a path that would leave root gives
// root itself; a trailing slash is kept.
func sanitizedPathJoin(root, reqPath string) string {
	if root == "" {
		root = "."
	}
	rel := path.Clean("/" + reqPath)[1:]
	if rel != "" && !filepath.IsLocal(rel) {
		return root
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if strings.HasSuffix(reqPath, "/") && len(reqPath) > 1 {
		p += string(filepath.Separator)
	}
	return p
}
