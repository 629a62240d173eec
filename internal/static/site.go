package static

import (
	"errors"
	"io/fs"
	"net/http"
	"strings"
)

// ReservedPrefix is the part of a site that is never served: the site's
// scripts live under .zeroserve/scripts/.
const ReservedPrefix = ".zeroserve"

// Site serves a Source the way the original zeroserve serves a site
// tarball (reference §5.4): `zeroserve site.tar`, and a directory.
type Site struct {
	// Source is the site's files.
	Source Source
	// Index is the file tried for a directory ("index.html" when empty).
	Index string
	// TryHTML also tries NAME.html for /NAME (--try-html).
	TryHTML bool
}

// Lookup finds the file a request path names: the exact name; then
// NAME/INDEX; then, with TryHTML, NAME.html. A bad path gives ErrBadPath;
// a missing file, or one under .zeroserve/, an error wrapping
// fs.ErrNotExist.
func (s *Site) Lookup(rawPath string) (string, Info, error) {
	name, err := CleanPath(rawPath)
	if err != nil {
		return "", Info{}, err
	}
	if name == ReservedPrefix || strings.HasPrefix(name, ReservedPrefix+"/") {
		return "", Info{}, notExist("lookup", name)
	}
	if in, err := s.Source.Stat(name); err == nil && !in.Dir {
		return name, in, nil
	}
	index := s.Index
	if index == "" {
		index = "index.html"
	}
	try := []string{joinName(name, index)}
	if s.TryHTML && name != "" && !strings.HasSuffix(name, ".html") {
		try = append(try, name+".html")
	}
	for _, n := range try {
		if in, err := s.Source.Stat(n); err == nil && !in.Dir {
			return n, in, nil
		}
	}
	return "", Info{}, notExist("lookup", name)
}

// joinName joins a directory name and a child name.
func joinName(dir, child string) string {
	if dir == "" {
		return child
	}
	return dir + "/" + child
}

// Serve decides the response to a request for rawPath (still
// percent-encoded): 400 for a bad path, 404 for a missing file, 405 (Allow:
// GET, HEAD) for other methods, else the file with ServeContent's rules;
// the Content-Type comes from the extension, application/octet-stream when
// it is unknown.
func (s *Site) Serve(req Request, rawPath string) *Response {
	res := &Response{Status: http.StatusOK}
	name, in, err := s.Lookup(rawPath)
	switch {
	case errors.Is(err, ErrBadPath):
		res.Error(http.StatusBadRequest, "400 Bad Request")
		return res
	case errors.Is(err, fs.ErrNotExist):
		res.Error(http.StatusNotFound, "404 page not found")
		return res
	case err != nil:
		res.Error(http.StatusInternalServerError, "500 Internal Server Error")
		return res
	}
	if req.Method != "GET" && req.Method != "HEAD" {
		res.Error(http.StatusMethodNotAllowed, "405 method not allowed")
		res.Set("Allow", "GET, HEAD")
		return res
	}
	f, err := s.Source.Open(name)
	if err != nil {
		res.Error(http.StatusInternalServerError, "500 Internal Server Error")
		return res
	}
	ctype := TypeByExtension(name)
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	res.Set("Content-Type", ctype)
	if in.ETag != "" {
		res.Set("Etag", in.ETag)
	}
	ServeContent(req, res, Content{Size: in.Size, ModTime: in.ModTime, File: f})
	return res
}
