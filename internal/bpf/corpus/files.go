package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files returns the .data files under dir, recursively, sorted by path.
// Other files (.asm, .hex, .dst includes) are left out.
func Files(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".data") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// Root finds the folder that holds the corpora (bpf_conformance/ and
// ubpf/): $ZEROSERVE_TESTDATA if set, else the first "testdata" or
// "shared/testdata" folder containing bpf_conformance/ in start or one of
// its parents (the workspace keeps shared/ beside the repository).
func Root(start string) (string, error) {
	if dir := os.Getenv("ZEROSERVE_TESTDATA"); dir != "" {
		return dir, nil
	}
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for {
		for _, td := range []string{filepath.Join(dir, "testdata"), filepath.Join(dir, "shared", "testdata")} {
			if st, err := os.Stat(filepath.Join(td, "bpf_conformance")); err == nil && st.IsDir() {
				return td, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", &Error{Path: start, Msg: "no testdata/ or shared/testdata/ with bpf_conformance/ in this folder or its parents, and ZEROSERVE_TESTDATA is unset"}
		}
		dir = parent
	}
}
