// Package static is zeroserve's read-only file source and the HTTP
// semantics of serving a file from it: a directory confined to its root,
// or a site tarball indexed once at load (never extracted); MIME types,
// ETag and Last-Modified, conditional requests (304/412), byte ranges
// (206/416), index files and the original zeroserve's --try-html lookup.
//
// It imports only the standard library: the server streams the Response it
// builds, and the helpers (zs_file_server, Caddy's file_server) build it.
package static

import (
	"errors"
	"io"
	"io/fs"
	"time"
)

// Source is a read-only tree of files. Names are slash-separated paths
// relative to the root, already cleaned (CleanPath): "" is the root,
// "a/b.html" a file. Errors wrap fs.ErrNotExist for missing names.
type Source interface {
	// Stat describes name, following symbolic links that stay inside the
	// root.
	Stat(name string) (Info, error)
	// Open opens the regular file name for reading.
	Open(name string) (File, error)
	// Close releases the source; files already open stay readable until
	// they are closed.
	Close() error
}

// Info describes one file or directory of a Source.
type Info struct {
	// Name is the last element of the path ("" for the root).
	Name string
	// Size is the length in bytes of a regular file.
	Size int64
	// ModTime is the modification time (zero when unknown).
	ModTime time.Time
	// Dir reports a directory.
	Dir bool
	// ETag is the entity tag the source computes, quoted ("" for none):
	// Caddy's mtime-size tag for a directory source, a content hash for a
	// tarball.
	ETag string
}

// File is an open regular file: positional reads only, so many responses
// can share one descriptor (the tarball's).
type File interface {
	io.ReaderAt
	// Close releases the file.
	Close() error
}

// ErrNotRegular is returned by Open for a name that is not a regular file.
var ErrNotRegular = errors.New("static: not a regular file")

// notExist returns an error wrapping fs.ErrNotExist for name.
func notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}
