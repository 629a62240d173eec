package static

import (
	"archive/tar"
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"
)

// FuzzIndexTar: an archive indexes or fails, never panics; every indexed
// file's section of the archive holds exactly the bytes archive/tar reads
// for it (the last entry of a name wins).
func FuzzIndexTar(f *testing.F) {
	f.Add(tarOf(f, "a.txt", "hello", "d/", "", "d/b.html", "<b>"))
	f.Add(tarOf(f, "./x", "1", "x", "2"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := IndexTar(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		want := map[string][]byte{}
		tr := tar.NewReader(bytes.NewReader(data))
		for {
			hdr, err := tr.Next()
			if err != nil {
				break
			}
			if hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeCont {
				name, _ := tarName(hdr.Name)
				b, _ := io.ReadAll(tr)
				want[name] = b
			}
		}
		for name, b := range want {
			in, err := src.Stat(name)
			if err != nil || in.Dir || in.Size != int64(len(b)) {
				t.Fatalf("%q: %+v %v, want %d bytes", name, in, err, len(b))
			}
			f, _ := src.Open(name)
			got := make([]byte, in.Size)
			if n, _ := f.ReadAt(got, 0); n != len(got) || !bytes.Equal(got, b) {
				t.Fatalf("%q: read %q, want %q", name, got[:n], b)
			}
		}
	})
}

// FuzzCleanPath: a cleaned name has no empty, ".", ".." or NUL-holding
// segment and no segment with '/', and cleaning its escaped form gives it
// back.
func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"/", "/a/b", "/a/../b", "/%2e%2e/x", "/a%2fb", "/a/./b/", "/%zz", "/..", "//a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := CleanPath(raw)
		if err != nil {
			return
		}
		if name == "" {
			return
		}
		segs := strings.Split(name, "/")
		esc := make([]string, len(segs))
		for i, s := range segs {
			if s == "" || s == "." || s == ".." || strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("%q -> %q: bad segment %q", raw, name, s)
			}
			esc[i] = url.PathEscape(s)
		}
		again, err := CleanPath("/" + strings.Join(esc, "/"))
		if err != nil || again != name {
			t.Fatalf("%q -> %q -> %q, %v", raw, name, again, err)
		}
	})
}
