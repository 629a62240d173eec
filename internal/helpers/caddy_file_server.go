package helpers

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/zeroserve/zeroserve/internal/static"
)

// CaddyFileServer configures Caddy's file_server (caddyconf.FileServer in
// Caddy's JSON shape), for the compiled handler and for zs_file_server.
// browse and fs are not supported (the compiler rejects them).
type CaddyFileServer struct {
	// Root is the site root, with placeholders; empty serves the site's
	// own files (a site tarball) when there are some, else the current
	// directory, as Caddy.
	Root string `json:"root,omitempty"`
	// Hide are file names or paths (globs) never served.
	Hide []string `json:"hide,omitempty"`
	// IndexNames are tried in a directory; nil means index.html,
	// index.txt (Caddy's default), empty none.
	IndexNames []string `json:"index_names"`
	// CanonicalURIs redirects /dir to /dir/ and /file/ to /file (default
	// on).
	CanonicalURIs *bool `json:"canonical_uris,omitempty"`
	// StatusCode overrides the status of every file response.
	StatusCode string `json:"status_code,omitempty"`
	// PassThru calls the next handler instead of answering 404.
	PassThru bool `json:"pass_thru,omitempty"`
	// Precompressed names the sidecar encodings served: gzip (.gz), zstd
	// (.zst), br (.br).
	Precompressed map[string]struct{} `json:"precompressed,omitempty"`
	// PrecompressedOrder is the server's preference among them.
	PrecompressedOrder []string `json:"precompressed_order,omitempty"`
	// EtagFileExtensions are sidecar files holding a file's ETag.
	EtagFileExtensions []string `json:"etag_file_extensions,omitempty"`
}

// precompressedSuffix maps an encoding to its sidecar file suffix.
var precompressedSuffix = map[string]string{"gzip": ".gz", "zstd": ".zst", "br": ".br"}

func init() {
	registerCaddyHandler("file_server", configOf(newFileServer))
}

func newFileServer(fsrv *CaddyFileServer) (caddyRunner, error) {
	for enc := range fsrv.Precompressed {
		if _, ok := precompressedSuffix[enc]; !ok {
			return nil, fmt.Errorf("file_server: unknown precompressed encoding %q", enc)
		}
	}
	if fsrv.IndexNames == nil {
		fsrv.IndexNames = []string{"index.html", "index.txt"}
	}
	return fsrv, nil
}

func (fsrv *CaddyFileServer) run(ex *Exchange, repl replacer) (uint64, error) {
	switch fsrv.serve(ex, repl) {
	case fileServed:
		return CaddyStop, nil
	case filePassThru:
		return CaddyContinue, nil
	}
	return CaddyError, nil
}

// Outcomes of CaddyFileServer.serve (zs_file_server's results).
const (
	fileServed   = 0 // the exchange has its response
	filePassThru = 1 // not found, and pass_thru: the next handler runs
	fileError    = 2 // ex.caddy.raised holds the error
)

// serve is Caddy's FileServer.ServeHTTP on the exchange: it sets
// ActionFile (or a redirect response) and returns fileServed, returns
// filePassThru, or raises an error (404, 400, 403, 405, 500).
func (fsrv *CaddyFileServer) serve(ex *Exchange, repl replacer) int {
	if ex.Action != ActionNone {
		return fsrv.fail(ex, 500, "the request already has a response")
	}
	src, rootPath, err := fsrv.source(ex, repl)
	if err != nil {
		return fsrv.statError(ex, err)
	}
	if src != ex.Site {
		defer src.Close() // open files stay readable
	}
	hide := make([]string, len(fsrv.Hide))
	for i, h := range fsrv.Hide {
		hide[i] = repl.replaceAll(h)
		if strings.Contains(hide[i], "/") {
			if abs, err := filepath.Abs(hide[i]); err == nil {
				hide[i] = abs
			}
		}
	}
	reqPath, err := url.PathUnescape(ex.Req.Path)
	if err != nil {
		return fsrv.fail(ex, 400, err.Error())
	}
	name := sanitizedName(reqPath)
	info, err := src.Stat(name)
	if err != nil {
		return fsrv.statError(ex, err)
	}
	implicitIndex := false
	if info.Dir {
		for _, idx := range fsrv.IndexNames {
			n := sanitizedName(name + "/" + repl.replaceAll(idx))
			if fileHidden(rootPath, n, hide) {
				continue
			}
			if in, err := src.Stat(n); err == nil {
				info, name, implicitIndex = in, n, true
				break
			}
		}
	}
	if info.Dir || fileHidden(rootPath, name, hide) {
		return fsrv.notFound(ex)
	}
	if fsrv.CanonicalURIs == nil || *fsrv.CanonicalURIs {
		orig := ex.caddy.orig.Path
		if orig == "" {
			orig = ex.Req.Path
		}
		if o, err := url.PathUnescape(orig); err == nil {
			orig = o
		}
		if path.Base(orig) == path.Base(reqPath) {
			switch {
			case implicitIndex && !strings.HasSuffix(orig, "/"):
				return fsrv.redirect(ex, orig+"/")
			case !implicitIndex && strings.HasSuffix(orig, "/"):
				return fsrv.redirect(ex, orig[:len(orig)-1])
			}
		}
	}
	res := &static.Response{Status: 200}
	for _, f := range ex.ResponseHeader {
		res.Add(f.Name, f.Value)
	}
	etag := res.Get("Etag")
	res.Add("Vary", "Accept-Encoding")
	var file static.File
	for _, enc := range AcceptedEncodings(ex.Req.Header, fsrv.PrecompressedOrder) {
		if _, ok := fsrv.Precompressed[enc]; !ok {
			continue
		}
		cname := name + precompressedSuffix[enc]
		if fileHidden(rootPath, cname, hide) {
			continue
		}
		cinfo, err := src.Stat(cname)
		if err != nil || cinfo.Dir {
			continue
		}
		if file, err = src.Open(cname); err != nil {
			file = nil
			continue
		}
		res.Set("Content-Encoding", enc)
		if etag == "" {
			etag = fsrv.etagFromFile(src, cname)
		}
		if etag == "" {
			etag = cinfo.ETag
		}
		info.Size = cinfo.Size // sidecars are transparent but for their bytes
		break
	}
	if file == nil {
		if file, err = src.Open(name); err != nil {
			return fsrv.statError(ex, err)
		}
		if etag == "" {
			etag = fsrv.etagFromFile(src, name)
		}
		if etag == "" {
			etag = info.ETag
		}
	}
	inError := ex.caddy.inError
	if m := ex.Req.Method; m != "GET" && m != "HEAD" && inError == nil {
		file.Close()
		ex.ResponseHeader = append(ex.ResponseHeader, Field{"Vary", "Accept-Encoding"}, Field{"Allow", "GET, HEAD"})
		return fsrv.fail(ex, 405, "")
	}
	if etag != "" {
		res.Set("Etag", etag)
	}
	if !res.Has("Content-Type") {
		if t := static.TypeByExtension(name); t != "" {
			res.Set("Content-Type", t)
		}
	}
	override := 0
	if inError != nil {
		override = inError.status
	}
	if fsrv.StatusCode != "" {
		n, err := strconv.Atoi(repl.replaceAll(fsrv.StatusCode))
		if err != nil {
			file.Close()
			return fsrv.fail(ex, 500, err.Error())
		}
		override = n
	}
	mtime := info.ModTime
	if !static.UsefulModTime(mtime) {
		mtime = time.Time{}
	}
	static.ServeContent(fileRequest(ex), res, static.Content{Size: info.Size, ModTime: mtime, File: file})
	if override > 0 {
		res.Status = override
	}
	ex.ResponseHeader = ex.ResponseHeader[:0]
	for _, f := range res.Header {
		ex.ResponseHeader = append(ex.ResponseHeader, Field{f.Name, f.Value})
	}
	writeHeader(ex, res.Status) // deferred header operations
	res.Header = res.Header[:0]
	for _, f := range ex.ResponseHeader {
		res.Add(f.Name, f.Value)
	}
	ex.ResponseHeader = ex.ResponseHeader[:0]
	ex.Action, ex.File = ActionFile, res
	return fileServed
}

// fileRequest is what static.ServeContent reads of the exchange's request.
func fileRequest(ex *Exchange) static.Request {
	return static.Request{Method: ex.Req.Method, Header: func(name string) string {
		v, _ := ex.Req.Get(name)
		return v
	}}
}

// source returns the file source of the expanded root and the root's
// absolute path (for hide): the site's own files when the root is empty
// and the server has some, else the directory (opened for this request: a
// root can hold placeholders, so caching them could hold descriptors
// without bound).
func (fsrv *CaddyFileServer) source(ex *Exchange, repl replacer) (static.Source, string, error) {
	root := repl.replaceAll(fsrv.Root)
	if root == "" && ex.Site != nil {
		return ex.Site, "/", nil
	}
	if root == "" {
		root = "."
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, "", err
	}
	d, err := static.OpenDir(abs)
	if err != nil {
		return nil, "", err
	}
	return d, abs, nil
}

// sanitizedName is Caddy's SanitizedPathJoin relative to the root: the
// cleaned path without its leading slash; a path that is not local names
// the root.
func sanitizedName(p string) string {
	rel := path.Clean("/" + p)[1:]
	if rel != "" && !filepath.IsLocal(rel) {
		return ""
	}
	return rel
}

// fileHidden is Caddy's fileHidden on root/name: a hide entry without a
// slash hides any path element it matches (a glob), one with a slash hides
// that path and what is under it, or what it matches as a glob.
func fileHidden(root, name string, hide []string) bool {
	if len(hide) == 0 {
		return false
	}
	filename := filepath.Join(root, name)
	for _, h := range hide {
		if !strings.Contains(h, "/") {
			for _, c := range strings.Split(filename, "/") {
				if ok, _ := filepath.Match(h, c); ok {
					return true
				}
			}
		} else if after, ok := strings.CutPrefix(filename, h); ok && strings.HasPrefix(after, "/") {
			return true
		}
		if ok, _ := filepath.Match(h, filename); ok {
			return true
		}
	}
	return false
}

// statError maps a lookup error as Caddy's mapDirOpenError does.
func (fsrv *CaddyFileServer) statError(ex *Exchange, err error) int {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return fsrv.notFound(ex)
	case errors.Is(err, fs.ErrPermission):
		return fsrv.fail(ex, 403, err.Error())
	case errors.As(err, &pe):
		return fsrv.fail(ex, 400, err.Error())
	}
	return fsrv.fail(ex, 500, err.Error())
}

func (fsrv *CaddyFileServer) notFound(ex *Exchange) int {
	if fsrv.PassThru {
		return filePassThru
	}
	return fsrv.fail(ex, 404, "")
}

// fail raises a handler error with status.
func (fsrv *CaddyFileServer) fail(ex *Exchange, status int, msg string) int {
	ex.caddy.raised = &caddyError{status: status, message: msg}
	return fileError
}

// etagFromFile returns the content of the first sidecar ETag file of name,
// or "".
func (fsrv *CaddyFileServer) etagFromFile(src static.Source, name string) string {
	for _, ext := range fsrv.EtagFileExtensions {
		f, err := src.Open(name + ext)
		if err != nil {
			continue
		}
		in, _ := src.Stat(name + ext)
		b := make([]byte, min(in.Size, 1024))
		n, _ := f.ReadAt(b, 0)
		f.Close()
		return strings.TrimSpace(string(b[:n]))
	}
	return ""
}

// redirect answers 308 to the path to (with the request's query), as
// Caddy's file_server does through http.Redirect.
func (fsrv *CaddyFileServer) redirect(ex *Exchange, to string) int {
	for strings.HasPrefix(to, "//") {
		to = to[1:]
	}
	trailing := strings.HasSuffix(to, "/")
	to = path.Clean(to)
	if trailing && !strings.HasSuffix(to, "/") {
		to += "/"
	}
	if ex.Req.RawQuery != "" {
		to += "?" + ex.Req.RawQuery
	}
	ex.Action = ActionRespond
	ex.Response.Status = 308
	ex.ResponseHeader = setField(ex.ResponseHeader, "Location", hexEscapeNonASCII(to))
	if m := ex.Req.Method; m == "GET" || m == "HEAD" {
		ex.ResponseHeader = setField(ex.ResponseHeader, "Content-Type", "text/html; charset=utf-8")
	}
	if ex.Req.Method == "GET" {
		ex.Response.Body = append(ex.Response.Body[:0], "<a href=\""+htmlEscaper.Replace(to)+"\">Permanent Redirect</a>.\n\n"...)
	}
	writeHeader(ex, 308)
	return fileServed
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

// hexEscapeNonASCII percent-encodes the bytes of s outside ASCII, as
// net/http does to a Location.
func hexEscapeNonASCII(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
