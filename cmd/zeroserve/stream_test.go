package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// progress counts the body bytes an upstream handler has read and lets a
// test wait for a count.
type progress struct {
	mu sync.Mutex
	n  int64
	ch chan struct{} // closed and replaced on every change
}

func newProgress() *progress { return &progress{ch: make(chan struct{})} }

func (p *progress) add(n int) {
	p.mu.Lock()
	p.n += int64(n)
	close(p.ch)
	p.ch = make(chan struct{})
	p.mu.Unlock()
}

func (p *progress) reset() {
	p.mu.Lock()
	p.n = 0
	p.mu.Unlock()
}

// waitFor waits until at least n bytes were read; it fails the test after
// 20 s (the body never arrived: it was held back).
func (p *progress) waitFor(t *testing.T, n int64) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		got, ch := p.n, p.ch
		p.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("the upstream read %d of the %d bytes sent: the body was not streamed", got, n)
		}
	}
}

// streamUpstream is the upstream of the streaming tests: a request with
// "X-Early: 1" (the script rewrites paths) is answered 413 after the first body bytes without reading on (full duplex: net/http
// would otherwise read the rest of the body before answering); any other
// path reads the whole body, counting it in prog, and answers "got N".
func streamUpstream(prog *progress) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).EnableFullDuplex()
		buf := make([]byte, 32<<10)
		total := 0
		for {
			n, err := r.Body.Read(buf)
			total += n
			prog.add(n)
			if r.Header.Get("X-Early") == "1" && total > 0 {
				w.Header().Set("Content-Length", "19")
				w.WriteHeader(413)
				io.WriteString(w, "upstream: too large")
				w.(http.Flusher).Flush() // before net/http waits for the rest
				return
			}
			if err != nil {
				break
			}
		}
		fmt.Fprintf(w, "got %d", total)
	})
}

// streamTarget is one way to reach the upstream through zeroserve: a
// compiled Caddyfile's reverse_proxy or a zs_reverse_proxy script.
type streamTarget struct {
	name   string
	flags  []string // besides --addr and --io
	script string   // the script to serve, if any
	header string   // extra request header lines
	caddy  bool     // request_body max_size is configured on /limited/*
}

// args are the command line of tg on the I/O backend ioName.
func (tg *streamTarget) args(ioName string, more ...string) []string {
	a := append(append([]string{}, tg.flags...), "--addr", "127.0.0.1:0", "--io", ioName)
	a = append(a, more...)
	if tg.script != "" {
		a = append(a, tg.script)
	}
	return a
}

func streamTargets(t *testing.T, upstream string) []streamTarget {
	cf := filepath.Join(t.TempDir(), "Caddyfile")
	host := strings.TrimPrefix(upstream, "http://")
	os.WriteFile(cf, []byte("{\n\tauto_https off\n}\n:8080 {\n\thandle /local/* {\n\t\trespond \"local\"\n\t}\n\thandle /limited/* {\n\t\trequest_body {\n\t\t\tmax_size 100KB\n\t\t}\n\t\treverse_proxy "+host+"\n\t}\n\thandle {\n\t\treverse_proxy "+host+"\n\t}\n}\n"), 0o644)
	return []streamTarget{
		{name: "caddy", flags: []string{"--caddy", cf}, caddy: true},
		{name: "script", script: "../../internal/script/testdata/proxy.o", header: "X-Upstream: " + upstream + "\r\n"},
	}
}

// upload opens a connection to addr and sends a chunked POST head for
// path.
func upload(t *testing.T, addr, path, header string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: stream.test\r\n%sTransfer-Encoding: chunked\r\n\r\n", path, header)
	return c, bufio.NewReader(c)
}

// writeChunk sends b as one chunk.
func writeChunk(c net.Conn, b []byte) error {
	_, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(b), b)
	return err
}

func readResponse(t *testing.T, br *bufio.Reader) (int, string) {
	t.Helper()
	status, body, _ := readResponseClose(t, br)
	return status, body
}

// readResponseClose also reports whether the response closes the
// connection.
func readResponseClose(t *testing.T, br *bufio.Reader) (int, string, bool) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Close
}

// TestStreamUploadThroughProxy: request bodies proxied by a compiled
// reverse_proxy and by a zs_reverse_proxy script stream to the upstream
// as they arrive, on both loops: a 5 MiB chunked upload is sent 1 MiB at
// a time, each part only after the upstream has read everything before it
// (a server buffering the body never lets the first wait end); an
// upstream answering 413 after the first chunk reaches the client while
// the upload is unfinished; request_body max_size cuts a chunked body
// going past it with 413.
func TestStreamUploadThroughProxy(t *testing.T) {
	prog := newProgress()
	up := httptest.NewServer(streamUpstream(prog))
	defer up.Close()
	part := bytes.Repeat([]byte("0123456789abcdef"), 4<<10) // 64 KiB
	for _, tg := range streamTargets(t, up.URL) {
		for _, ioName := range []string{"uring", "epoll"} {
			t.Run(tg.name+"/"+ioName, func(t *testing.T) {
				addr, _, stop := startBinary(t, tg.args(ioName)...)
				defer stop()

				prog.reset()
				c, br := upload(t, addr, "/big", tg.header)
				const total = 5 << 20
				for sent := int64(0); sent < total; {
					for range (1 << 20) / len(part) {
						if err := writeChunk(c, part); err != nil {
							t.Fatal(err)
						}
						sent += int64(len(part))
					}
					prog.waitFor(t, sent) // before the next part is sent
				}
				io.WriteString(c, "0\r\n\r\n")
				if status, body := readResponse(t, br); status != 200 || body != fmt.Sprintf("got %d", total) {
					t.Errorf("5 MiB upload: %d %q", status, body)
				}
				c.Close()

				prog.reset()
				c, br = upload(t, addr, "/early", tg.header+"X-Early: 1\r\n")
				writeChunk(c, part[:1000])
				prog.waitFor(t, 1000)
				if status, body := readResponse(t, br); status != 413 || body != "upstream: too large" {
					t.Errorf("early 413: %d %q", status, body)
				}
				c.Close()

				// A chunked body the chain does not take (the script without
				// X-Upstream answers 400, the Caddyfile's /local/ responds) is
				// read and discarded: the connection carries the next
				// request. Past 256 KiB, the connection closes instead.
				want := 400
				if tg.caddy {
					want = 200
				}
				c, br = upload(t, addr, "/local/x", "")
				writeChunk(c, part[:1000])
				io.WriteString(c, "0\r\n\r\n")
				if status, _, closed := readResponseClose(t, br); status != want || closed {
					t.Errorf("small unread body: %d closed=%v, want %d on a kept connection", status, closed, want)
				}
				io.WriteString(c, "GET /local/y HTTP/1.1\r\nHost: stream.test\r\n\r\n")
				if status, _ := readResponse(t, br); status != want {
					t.Errorf("next request after a drained body: %d, want %d", status, want)
				}
				c.Close()
				c, br = upload(t, addr, "/local/x", "")
				for range 4 {
					writeChunk(c, part)
				}
				writeChunk(c, part[:1]) // 256 KiB + 1: the bound is passed by the last byte sent
				if status, _, closed := readResponseClose(t, br); status != want || !closed {
					t.Errorf("large unread body: %d closed=%v, want %d and a close", status, closed, want)
				}
				c.Close()

				if !tg.caddy {
					return
				}
				c, br = upload(t, addr, "/limited/x", "")
				for range 10 { // 160 KiB, past max_size 100KB; no last chunk
					writeChunk(c, part[:16<<10])
				}
				if status, _ := readResponse(t, br); status != 413 {
					t.Errorf("request_body max_size, chunked: %d, want 413", status)
				}
				c.Close()
			})
		}
	}
}

// TestStreamUnixUpstream: a compiled `reverse_proxy unix//path.sock`
// reaches an upstream listening on a Unix socket, on both loops, with no
// body, a small one and a streamed one.
func TestStreamUnixUpstream(t *testing.T) {
	dir, err := os.MkdirTemp("", "zsu")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "up.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "unix %s %s %d", r.Method, r.URL.Path, len(b))
	})}
	go srv.Serve(ln)
	defer srv.Close()
	cf := filepath.Join(dir, "Caddyfile")
	os.WriteFile(cf, []byte("{\n\tauto_https off\n}\n:8080 {\n\treverse_proxy unix/"+sock+"\n}\n"), 0o644)
	big := strings.Repeat("x", 200<<10)
	for _, tg := range []streamTarget{
		{name: "caddy", flags: []string{"--caddy", cf}},
		{name: "script", script: "../../internal/script/testdata/proxy.o"},
	} {
		for _, ioName := range []string{"uring", "epoll"} {
			t.Run(tg.name+"/"+ioName, func(t *testing.T) {
				addr, _, stop := startBinary(t, tg.args(ioName)...)
				defer stop()
				for _, body := range []string{"", "small", big} {
					method := "POST"
					if body == "" {
						method = "GET"
					}
					req, _ := http.NewRequest(method, "http://"+addr+"/a/b", strings.NewReader(body))
					req.Header.Set("X-Upstream", "unix/"+sock) // read by the script
					resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					path := "/a/b"
					if tg.script != "" {
						path = "/rewritten" // proxy.c rewrites the path
					}
					if want := fmt.Sprintf("unix %s %s %d", method, path, len(body)); resp.StatusCode != 200 || string(got) != want {
						t.Errorf("%d-byte body: %d %q, want %q", len(body), resp.StatusCode, got, want)
					}
				}
			})
		}
	}
}
