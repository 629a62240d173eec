package static

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// Tar is a Source over a site tarball (the original zeroserve's site
// format, §5.3 of the reference): the archive is indexed once when it is
// opened (name → data offset, size, mtime, content ETag) and file bodies
// are read with positional reads from the archive, never extracted.
type Tar struct {
	r       io.ReaderAt
	closer  io.Closer
	entries map[string]*tarEntry
}

// tarEntry is one indexed name.
type tarEntry struct {
	info Info
	off  int64 // data offset in the archive (regular files)
}

// maxTarEntries bounds the index so a hostile archive cannot make it
// unbounded (each entry also costs at least one 512-byte block).
const maxTarEntries = 1 << 20

// OpenTar opens and indexes the tarball at path.
func OpenTar(path string) (*Tar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	t, err := IndexTar(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tarball %s: %w", path, err)
	}
	t.closer = f
	return t, nil
}

// IndexTar indexes the tar archive of size bytes read through r. Regular
// files (and contiguous ones) are indexed with a content ETag: the first 16
// bytes of their SHA-256, in lowercase hex, quoted. Directories, explicit
// or implied by a file's path, are tracked. Leading "./" and surrounding
// slashes are dropped from names; a name with a ".." element, a link, a
// device or a sparse file is an error, and so is an archive without a
// regular file.
func IndexTar(r io.ReaderAt, size int64) (*Tar, error) {
	t := &Tar{r: r, entries: map[string]*tarEntry{"": {info: Info{Dir: true}}}}
	cr := &countReader{r: io.NewSectionReader(r, 0, size)}
	tr := tar.NewReader(cr)
	files := 0
	h := sha256.New()
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(t.entries) > maxTarEntries {
			return nil, fmt.Errorf("more than %d entries", maxTarEntries)
		}
		name, err := tarName(hdr.Name)
		if err != nil {
			return nil, err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if name != "" {
				if err := t.dir(name, hdr.ModTime); err != nil {
					return nil, err
				}
			}
		case tar.TypeReg, tar.TypeCont:
			if name == "" {
				return nil, fmt.Errorf("a regular file named %q", hdr.Name)
			}
			if e, ok := t.entries[name]; ok && e.info.Dir {
				return nil, fmt.Errorf("%q is both a directory and a file", name)
			}
			off := cr.n
			h.Reset()
			n, err := io.Copy(h, tr)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if n != hdr.Size || off+n > size {
				return nil, fmt.Errorf("%s: truncated", name)
			}
			sum := h.Sum(nil)
			if err := t.dir(path.Dir("/" + name)[1:], time.Time{}); err != nil {
				return nil, err
			}
			t.entries[name] = &tarEntry{off: off, info: Info{
				Name:    path.Base(name),
				Size:    n,
				ModTime: hdr.ModTime,
				ETag:    `"` + hex.EncodeToString(sum[:16]) + `"`,
			}}
			files++
		case tar.TypeXGlobalHeader:
		default:
			return nil, fmt.Errorf("%s: unsupported tar entry type %q (only files and directories)", hdr.Name, hdr.Typeflag)
		}
	}
	if files == 0 {
		return nil, errors.New("does not contain any regular files")
	}
	return t, nil
}

// dir records the directory name and its parents; a name already used
// by a file is an error.
func (t *Tar) dir(name string, mtime time.Time) error {
	if e, ok := t.entries[name]; ok {
		if !e.info.Dir {
			return fmt.Errorf("%q is both a file and a directory", name)
		}
		if !mtime.IsZero() {
			e.info.ModTime = mtime
		}
		return nil
	}
	t.entries[name] = &tarEntry{info: Info{Name: path.Base(name), Dir: true, ModTime: mtime}}
	return t.dir(path.Dir("/" + name)[1:], time.Time{})
}

// tarName normalises an archive name: no leading "./", no surrounding
// slashes, no "." elements; ".." is an error.
func tarName(n string) (string, error) {
	n = strings.Trim(strings.TrimPrefix(n, "./"), "/")
	var out []string
	for _, seg := range strings.Split(n, "/") {
		switch seg {
		case "", ".":
		case "..":
			return "", fmt.Errorf("entry %q climbs out of the archive root", n)
		default:
			if strings.IndexByte(seg, 0) >= 0 {
				return "", fmt.Errorf("entry %q has a NUL byte", n)
			}
			out = append(out, seg)
		}
	}
	return strings.Join(out, "/"), nil
}

// countReader counts the bytes read through it: the data of the entry
// tar.Reader.Next just returned starts at n.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Stat implements Source.
func (t *Tar) Stat(name string) (Info, error) {
	e, ok := t.entries[name]
	if !ok {
		return Info{}, notExist("stat", name)
	}
	return e.info, nil
}

// Open implements Source.
func (t *Tar) Open(name string) (File, error) {
	e, ok := t.entries[name]
	if !ok {
		return nil, notExist("open", name)
	}
	if e.info.Dir {
		return nil, ErrNotRegular
	}
	return tarFile{io.NewSectionReader(t.r, e.off, e.info.Size)}, nil
}

// tarFile is a file's section of the archive; closing it does nothing
// (the archive stays open with the Tar).
type tarFile struct{ *io.SectionReader }

func (tarFile) Close() error { return nil }

// Names returns every indexed name, sorted (directories too, but not the
// root).
func (t *Tar) Names() []string {
	names := make([]string, 0, len(t.entries))
	for n := range t.entries {
		if n != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Close implements Source: it closes the archive file of OpenTar.
func (t *Tar) Close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}

var _ Source = (*Tar)(nil)
