package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLoadScriptSite runs wrk with 512 connections for 10 s, twice, against
// the real binary serving a script (on epoll and io_uring in turn): no
// errors, no non-2xx answers, and peak RSS after the second run within 25%
// of the first (no leak).
func TestLoadScriptSite(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk not installed")
	}
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed")
	}
	for _, io := range []string{"uring", "epoll"} {
		t.Run(io, func(t *testing.T) {
			addr, pid, stop := startBinary(t, "--addr", "127.0.0.1:0", "--io", io, "--threads", "2",
				"--disable-request-logging", "../../bench/route.c")
			var rss [2]int
			for i := range rss {
				out, err := exec.Command("wrk", "-t2", "-c512", "-d10s", "-H", "Host: host0003.bench", "http://"+addr+"/api/x").CombinedOutput()
				if err != nil {
					t.Fatalf("wrk: %v\n%s", err, out)
				}
				text := string(out)
				if strings.Contains(text, "Socket errors") || strings.Contains(text, "Non-2xx") {
					t.Errorf("run %d: wrk saw errors:\n%s", i+1, text)
				}
				if m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(text); m == nil || m[1] == "0" {
					t.Errorf("run %d: no requests served:\n%s", i+1, text)
				} else {
					t.Logf("run %d (%s): %s requests; %s", i+1, io, m[1], firstLine(text, "Requests/sec"))
				}
				rss[i] = vmHWM(t, pid)
			}
			stop()
			t.Logf("peak RSS %d KiB after run 1, %d KiB after run 2", rss[0], rss[1])
			if rss[1] > rss[0]*5/4+1024 {
				t.Errorf("peak RSS grew from %d KiB to %d KiB across identical runs", rss[0], rss[1])
			}
		})
	}
}

func firstLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// vmHWM returns the peak resident set size of pid in KiB.
func vmHWM(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
