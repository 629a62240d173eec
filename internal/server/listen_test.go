package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// An inherited listening socket ("fd:N", socket activation) is shared by
// all workers.
func TestInheritedListener(t *testing.T) {
	backends(t, func(t *testing.T, b loop.Backend) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f, err := ln.(*net.TCPListener).File()
		ln.Close()
		if err != nil {
			t.Fatal(err)
		}
		fd, err := syscall.Dup(int(f.Fd())) // a raw descriptor the server will own
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		s := startServer(t, b, Config{Handler: echo, Threads: 2, Addr: fmt.Sprintf("fd:%d", fd)})
		for range 4 {
			c := dial(t, s)
			io.WriteString(c, "GET /fd HTTP/1.1\r\nHost: x\r\n\r\n")
			if _, body := readResponse(t, bufio.NewReader(c), "GET"); body != `GET /fd  ""` {
				t.Fatalf("got %q", body)
			}
		}
	})
}
