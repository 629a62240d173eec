package server

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zeroserve/zeroserve/internal/loop"
)

func TestPipelining(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo})
		c := dial(t, s)
		var req strings.Builder
		for i := range 50 {
			fmt.Fprintf(&req, "GET /p%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		}
		req.WriteString("POST /last HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
		if _, err := io.WriteString(c, req.String()); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		for i := range 50 {
			_, body := readResponse(t, br, "GET")
			if want := fmt.Sprintf(`GET /p%d  ""`, i); body != want {
				t.Fatalf("response %d: %q, want %q", i, body, want)
			}
		}
		if _, body := readResponse(t, br, "POST"); body != `POST /last  "abc"` {
			t.Fatalf("last: %q", body)
		}
	})
}

func TestHeadAndStatus(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		h := HandlerFunc(func(w *ResponseWriter, r *Request) {
			switch string(r.Path()) {
			case "/204":
				w.WriteHeader(204)
			case "/404":
				w.WriteHeader(404)
				w.WriteString("nope")
			case "/bad":
				w.AddHeader("Content-Length", "5")
				w.WriteString("hello")
			case "/panic":
				panic("boom")
			default:
				w.WriteString("hello")
			}
		})
		s := startServer(t, b, Config{Handler: h})
		c := dial(t, s)
		br := bufio.NewReader(c)
		io.WriteString(c, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /404 HTTP/1.1\r\nHost: x\r\n\r\nGET /bad HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, body := readResponse(t, br, "HEAD")
		if resp.StatusCode != 200 || body != "" || resp.ContentLength != 5 {
			t.Fatalf("HEAD: %d %q cl=%d", resp.StatusCode, body, resp.ContentLength)
		}
		resp, body = readResponse(t, br, "GET")
		if resp.StatusCode != 204 || body != "" || resp.Header.Get("Content-Length") != "" {
			t.Fatalf("204: %d %q %v", resp.StatusCode, body, resp.Header)
		}
		if resp, body = readResponse(t, br, "GET"); resp.StatusCode != 404 || body != "nope" {
			t.Fatalf("404: %d %q", resp.StatusCode, body)
		}
		if resp, _ = readResponse(t, br, "GET"); resp.StatusCode != 500 {
			t.Fatalf("handler setting Content-Length: %d, want 500", resp.StatusCode)
		}
		c2 := dial(t, s)
		io.WriteString(c2, "GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, _ = readResponse(t, bufio.NewReader(c2), "GET")
		if resp.StatusCode != 500 || !resp.Close {
			t.Fatalf("panic: %d close=%v", resp.StatusCode, resp.Close)
		}
	})
}

func TestChunkedAndContinue(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo})
		c := dial(t, s)
		br := bufio.NewReader(c)
		io.WriteString(c, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")
		time.Sleep(10 * time.Millisecond) // let the server see a split chunk
		io.WriteString(c, "lo\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n")
		if _, body := readResponse(t, br, "POST"); body != `POST /up  "hello world"` {
			t.Fatalf("chunked: %q", body)
		}
		// Expect: 100-continue: the 100 comes before the body is sent.
		io.WriteString(c, "PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("interim: %q %v", line, err)
		}
		if blank, _ := br.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("after 100: %q", blank)
		}
		io.WriteString(c, "data")
		if _, body := readResponse(t, br, "PUT"); body != `PUT /e  "data"` {
			t.Fatalf("continue: %q", body)
		}
	})
}

// A handler that declines the body gets no 100 Continue sent for it.
func TestContinueDeclined(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		st, _ := NewStatic(403, "no")
		s := startServer(t, b, Config{Handler: st})
		c := dial(t, s)
		io.WriteString(c, "PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
		resp, body := readResponse(t, bufio.NewReader(c), "PUT")
		if resp.StatusCode != 403 || body != "no" || !resp.Close {
			t.Fatalf("got %d %q close=%v", resp.StatusCode, body, resp.Close)
		}
	})
}

func TestKeepAlive10k(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		st, _ := NewStatic(200, "ok")
		s := startServer(t, b, Config{Handler: st})
		c := dial(t, s)
		br := bufio.NewReader(c)
		req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		for i := range 10000 {
			if _, err := c.Write(req); err != nil {
				t.Fatal(err)
			}
			if resp, body := readResponse(t, br, "GET"); resp.StatusCode != 200 || body != "ok" {
				t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
			}
		}
	})
}

func TestHTTP10KeepAlive(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo})
		c := dial(t, s)
		br := bufio.NewReader(c)
		io.WriteString(c, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		resp, _ := readResponse(t, br, "GET")
		if resp.Close || resp.Header.Get("Connection") != "keep-alive" {
			t.Fatalf("1.0 keep-alive: close=%v %v", resp.Close, resp.Header)
		}
		io.WriteString(c, "GET /b HTTP/1.0\r\n\r\n")
		if resp, _ = readResponse(t, br, "GET"); !resp.Close {
			t.Fatal("1.0 without keep-alive: connection not closed")
		}
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("after close: %v, want EOF", err)
		}
	})
}

func TestConnectionClose(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: echo})
		c := dial(t, s)
		br := bufio.NewReader(c)
		io.WriteString(c, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, body := readResponse(t, br, "GET")
		if !resp.Close || body != `GET /a  ""` {
			t.Fatalf("close=%v %q", resp.Close, body)
		}
		if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
			t.Fatalf("after Connection: close: %q %v", rest, err)
		}
	})
}
