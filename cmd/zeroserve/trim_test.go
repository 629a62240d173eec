package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// rssFileKiB reads the file-backed part of the resident set.
func rssFileKiB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no RssFile in /proc/self/status")
	return 0
}

func TestReleaseStartupPages(t *testing.T) {
	before := rssFileKiB(t)
	releaseStartupPages()
	after := rssFileKiB(t)
	t.Logf("file-backed resident set %d -> %d KiB", before, after)
	if after >= before || before-after < 1024 {
		t.Fatalf("file-backed resident set %d -> %d KiB: the executable's pages were not released", before, after)
	}
}
