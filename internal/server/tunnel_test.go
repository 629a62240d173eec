package server

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// upperTunnel switches protocols from a loop timer and echoes the client's
// bytes in upper case; "quit" ends the tunnel.
var upperTunnel = HandlerFunc(func(w *ResponseWriter, r *Request) {
	done := w.Defer()
	r.OnBody(func(data []byte, end bool) {
		w := done.Writer()
		if w == nil {
			return
		}
		if bytes.Contains(data, []byte("quit")) {
			done.Finish()
			return
		}
		w.Write(bytes.ToUpper(data))
	})
	w.AddHeader("X-Tunnel", "1")
	r.Loop().AfterFunc(0, func() {
		if w := done.Writer(); w != nil {
			if err := w.SwitchProtocols([]byte("upper")); err != nil {
				panic(err)
			}
		}
	})
})

func TestSwitchProtocols(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		s := startServer(t, b, Config{Handler: upperTunnel})
		c := dial(t, s)
		br := bufio.NewReader(c)
		// Tunnel bytes sent right behind the head are not lost.
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: upper\r\n\r\nearly ")
		var head strings.Builder
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
		}
		h := head.String()
		if !strings.HasPrefix(h, "HTTP/1.1 101 Switching Protocols\r\n") || !strings.Contains(h, "Connection: Upgrade\r\n") ||
			!strings.Contains(h, "Upgrade: upper\r\n") || !strings.Contains(h, "X-Tunnel: 1\r\n") || strings.Contains(h, "Content-Length") {
			t.Fatalf("head %q", h)
		}
		got := make([]byte, 6)
		if _, err := io.ReadFull(br, got); err != nil || string(got) != "EARLY " {
			t.Fatalf("%q %v", got, err)
		}
		io.WriteString(c, "hello")
		got = make([]byte, 5)
		if _, err := io.ReadFull(br, got); err != nil || string(got) != "HELLO" {
			t.Fatalf("%q %v", got, err)
		}
		io.WriteString(c, "quit")
		if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
			t.Fatalf("after quit: %q %v", rest, err)
		}
		// Refused on a request that did not ask to upgrade.
		errc := make(chan error, 1)
		s2 := startServer(t, b, Config{Handler: HandlerFunc(func(w *ResponseWriter, r *Request) {
			w.Defer()
			errc <- w.SwitchProtocols([]byte("x"))
			w.WriteHeader(400)
		})})
		c2 := dial(t, s2)
		io.WriteString(c2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if err := <-errc; err == nil {
			t.Fatal("SwitchProtocols without an Upgrade request succeeded")
		}
	})
}
