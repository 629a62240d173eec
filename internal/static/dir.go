package static

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// Dir is a Source over a directory of the host file system, confined to
// it with os.Root: no name reaches outside the root, neither through ".."
// nor through a symbolic link (Caddy follows links out of its root; we
// do not).
type Dir struct {
	root *os.Root
}

// OpenDir opens the directory path as a Source.
func OpenDir(path string) (*Dir, error) {
	r, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	return &Dir{root: r}, nil
}

// osName maps a Source name to the os.Root name.
func osName(name string) string {
	if name == "" {
		return "."
	}
	return name
}

// Stat implements Source.
func (d *Dir) Stat(name string) (Info, error) {
	fi, err := d.root.Stat(osName(name))
	if err != nil {
		return Info{}, err
	}
	return dirInfo(name, fi), nil
}

func dirInfo(name string, fi os.FileInfo) Info {
	in := Info{Name: name[strings.LastIndexByte(name, '/')+1:], ModTime: fi.ModTime(), Dir: fi.IsDir()}
	if !in.Dir {
		in.Size = fi.Size()
		in.ETag = ModTimeETag(in.ModTime, in.Size)
	}
	return in
}

// ModTimeETag is Caddy's file_server entity tag: the modification time in
// nanoseconds and the size, both base 36, joined by '-' and quoted; ""
// when the time is not useful (Unix time 0 or 1).
func ModTimeETag(mtime time.Time, size int64) string {
	if !UsefulModTime(mtime) {
		return ""
	}
	b := make([]byte, 0, 32)
	b = append(b, '"')
	b = strconv.AppendInt(b, mtime.UnixNano(), 36)
	b = append(b, '-')
	b = strconv.AppendInt(b, size, 36)
	return string(append(b, '"'))
}

// UsefulModTime reports whether mtime may be sent as Last-Modified and
// used in validators (Caddy: not the zero time, not Unix time 0 or 1).
func UsefulModTime(mtime time.Time) bool {
	u := mtime.Unix()
	return !mtime.IsZero() && u != 0 && u != 1
}

// Open implements Source.
func (d *Dir) Open(name string) (File, error) {
	f, err := d.root.Open(osName(name))
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, ErrNotRegular
	}
	return f, nil
}

// Close implements Source.
func (d *Dir) Close() error { return d.root.Close() }

var _ Source = (*Dir)(nil)
