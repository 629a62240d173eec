package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// bodyCounter streams request bodies: it answers with the number of bytes
// and OnBody calls it saw, pausing the body after each call and resuming
// it from a timer. With "?early" it answers at the first bytes.
type bodyCounter struct{}

func (bodyCounter) StreamsBody(*Request) bool { return true }

func (bodyCounter) ServeHTTP1(w *ResponseWriter, r *Request) {
	done := w.Defer()
	early := string(r.Query()) == "early"
	n, calls := 0, 0
	var sum byte
	r.OnBody(func(data []byte, end bool) {
		calls++
		for _, b := range data {
			sum += b
		}
		n += len(data)
		if end || early {
			fmt.Fprintf(done.Writer(), "%d bytes sum %d end %v", n, sum, end)
			done.Finish()
			return
		}
		r.PauseBody()
		r.Loop().AfterFunc(0, r.ResumeBody)
	})
}

func TestBodyStream(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: bodyCounter{}})
		body := bytes.Repeat([]byte("abcdefgh"), 1<<17) // 1 MiB
		var sum byte
		for _, c := range body {
			sum += c
		}
		want := fmt.Sprintf("%d bytes sum %d end true", len(body), sum)
		c := &http.Client{Timeout: testTimeout}
		for _, chunked := range []bool{false, true} {
			var rd io.Reader = bytes.NewReader(body)
			if chunked {
				rd = struct{ io.Reader }{rd}
			}
			resp, err := c.Post("http://"+s.Addr().String()+"/", "application/octet-stream", rd)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != want {
				t.Fatalf("chunked=%v: %q, want %q", chunked, got, want)
			}
		}
		// Expect: 100-continue is answered at once; a pipelined request
		// follows the streamed body.
		conn := dial(t, s)
		io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
		br := bufio.NewReader(conn)
		if line, _ := br.ReadString('\n'); line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("got %q, want 100 Continue", line)
		}
		br.ReadString('\n')
		io.WriteString(conn, "abcPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz")
		if _, got := readResponse(t, br, "POST"); got != "3 bytes sum 38 end true" {
			t.Fatalf("first: %q", got)
		}
		if _, got := readResponse(t, br, "POST"); got != "1 bytes sum 122 end true" {
			t.Fatalf("pipelined: %q", got)
		}
		// Answered before the body ends: the connection closes afterwards.
		conn = dial(t, s)
		io.WriteString(conn, "POST /?early HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
		rest, _ := io.ReadAll(conn)
		if !strings.Contains(string(rest), "Connection: close\r\n") || !strings.HasSuffix(string(rest), "end false") {
			t.Fatalf("early answer: %q", rest)
		}
	})
}
