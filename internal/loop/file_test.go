package loop

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestReadAt(t *testing.T) {
	backends(t, func(t *testing.T, b Backend) {
		want := randomBytes(1<<20+123, 5)
		path := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(path, want, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dir, err := os.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer dir.Close()

		l := newLoop(t, b)
		start(t, l)
		var got []byte
		done := make(chan struct{})
		buf := make([]byte, 64<<10)
		var next func(off int64)
		next = func(off int64) {
			err := l.ReadAt(int(f.Fd()), buf, off, func(n int, err error) {
				if err != nil {
					t.Error(err)
					close(done)
					return
				}
				if n == 0 {
					close(done)
					return
				}
				got = append(got, buf[:n]...)
				next(off + int64(n))
			})
			if err != nil {
				t.Error(err)
				close(done)
			}
		}
		onLoop(t, l, func() { next(0) })
		wait(t, done, "reading the file")
		if !bytes.Equal(got, want) {
			t.Errorf("read %d bytes, want %d (equal: false)", len(got), len(want))
		}

		dirErr := make(chan error, 1)
		onLoop(t, l, func() {
			l.ReadAt(int(dir.Fd()), buf, 0, func(_ int, err error) { dirErr <- err })
		})
		if err := <-dirErr; !errors.Is(err, unix.EISDIR) {
			t.Errorf("ReadAt of a directory: %v, want EISDIR", err)
		}
	})
}
