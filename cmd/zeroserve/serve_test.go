package main

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/server"
)

// lockedBuffer collects stderr written by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeStatic(t *testing.T) {
	for _, backend := range []string{"uring", "epoll"} {
		t.Run(backend, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			var sf serveFlags
			sf.register(fs)
			if err := fs.Parse([]string{"--addr", "127.0.0.1:0", "--threads", "2", "--io", backend}); err != nil {
				t.Fatal(err)
			}
			h, _ := server.NewStatic(201, "made")
			var stderr lockedBuffer
			sigs := make(chan os.Signal, 1)
			code := make(chan int, 1)
			go func() { code <- serve(&sf, h, &stderr, sigs) }()
			re := regexp.MustCompile(`listening on http://(\S+) \(2 worker thread\(s\)\)`)
			var addr string
			for deadline := time.Now().Add(20 * time.Second); addr == ""; {
				if m := re.FindStringSubmatch(stderr.String()); m != nil {
					addr = m[1]
				} else if time.Now().After(deadline) {
					t.Fatalf("no listening line:\n%s", stderr.String())
				} else {
					time.Sleep(10 * time.Millisecond)
				}
			}
			for range 4 {
				resp, err := http.Get("http://" + addr + "/x")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := ioReadAll(resp)
				if resp.StatusCode != 201 || body != "made" {
					t.Fatalf("got %d %q", resp.StatusCode, body)
				}
			}
			http.DefaultClient.CloseIdleConnections()
			sigs <- os.Interrupt
			select {
			case c := <-code:
				if c != 0 {
					t.Fatalf("exit %d:\n%s", c, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("no shutdown")
			}
			if n := strings.Count(stderr.String(), " http GET /x 201 4 "); n != 4 {
				t.Fatalf("%d access log lines:\n%s", n, stderr.String())
			}
		})
	}
}

func ioReadAll(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--tls-addr", "127.0.0.1:0"},
		{"--cert", "x.pem"},
		{"--cert-dir", "d", "--key", "k", "--tls-addr", "127.0.0.1:0"},
		{"--io", "kqueue"},
		{"--status", "99"},
		{"extra"},
	} {
		var stderr bytes.Buffer
		if code := run(append([]string{"serve-static"}, args...), io.Discard, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr.String())
		}
	}
}
