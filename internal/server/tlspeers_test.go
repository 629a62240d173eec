package server

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// TestTLSPeers handshakes with openssl s_client and curl, TLS 1.2 and 1.3,
// when those binaries exist.
func TestTLSPeers(t *testing.T) {
	p := newTestPKI(t)
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startTLS(t, b, p, Config{Handler: echo})
		port := s.TLSAddr().Port()
		for _, v := range []struct {
			name, openssl, curl string
			want                uint16
		}{
			{"TLS1.2", "-tls1_2", "--tls-max 1.2", tls.VersionTLS12},
			{"TLS1.3", "-tls1_3", "--tlsv1.3", tls.VersionTLS13},
		} {
			t.Run("openssl/"+v.name, func(t *testing.T) {
				bin, err := exec.LookPath("openssl")
				if err != nil {
					t.Skip("openssl not installed")
				}
				cmd := exec.Command(bin, "s_client", v.openssl, "-connect", s.TLSAddr().String(),
					"-servername", "b.test", "-CAfile", p.caFile, "-verify_return_error", "-quiet", "-ign_eof")
				cmd.Stdin = strings.NewReader("GET /via-openssl HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n")
				out := run(t, cmd)
				if !strings.Contains(out, "HTTP/1.1 200 OK") || !strings.Contains(out, `GET /via-openssl  ""`) {
					t.Fatalf("openssl output:\n%s", out)
				}
			})
			t.Run("curl/"+v.name, func(t *testing.T) {
				bin, err := exec.LookPath("curl")
				if err != nil {
					t.Skip("curl not installed")
				}
				args := append(strings.Fields(v.curl), "-sS", "--cacert", p.caFile,
					"--resolve", fmt.Sprintf("a.test:%d:127.0.0.1", port),
					"-w", "\n%{http_code} %{ssl_verify_result}",
					fmt.Sprintf("https://a.test:%d/via-curl", port), fmt.Sprintf("https://a.test:%d/again", port))
				out := run(t, exec.Command(bin, args...))
				want := "GET /via-curl  \"\"\n200 0GET /again  \"\"\n200 0"
				if out != want {
					t.Fatalf("curl output %q, want %q", out, want)
				}
			})
		}
	})
}

// run runs cmd with the test timeout and returns its stdout.
func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%v: %v\n%s%s", cmd.Args, err, out.String(), errb.String())
		}
	case <-time.After(testTimeout):
		cmd.Process.Kill()
		t.Fatalf("%v: timed out", cmd.Args)
	}
	return out.String()
}
