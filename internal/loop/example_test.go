package loop_test

import (
	"fmt"
	"io"
	"net"

	"github.com/zeroserve/zeroserve/internal/loop"
)

// upper answers each received chunk in upper case and closes when the peer
// is done sending.
type upper struct{ l *loop.Loop }

func (u upper) OnRecv(c loop.Conn, b []byte, err error) {
	if err != nil {
		u.l.Shutdown(c) // after the queued replies; the peer then sees EOF
		return
	}
	out := make([]byte, len(b)) // b is only valid during OnRecv
	for i, ch := range b {
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		out[i] = ch
	}
	u.l.Send(c, out) // out must stay untouched until OnSend
}

func (u upper) OnSend(c loop.Conn, err error) {}

func (u upper) OnClose(c loop.Conn) {}

func Example() {
	l, err := loop.New(loop.Options{Backend: loop.Auto})
	if err != nil {
		panic(err)
	}
	// l.FallbackReason() says why Auto chose epoll, if it did.
	ln, err := l.Listen("127.0.0.1:0", 0, func(c loop.Conn, err error) loop.Handler {
		if err != nil {
			return nil
		}
		return upper{l}
	})
	if err != nil {
		panic(err)
	}
	addr, _ := l.ListenerAddr(ln)
	done := make(chan error)
	go func() { done <- l.Run() }()

	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		panic(err)
	}
	c.Write([]byte("hello, loop"))
	c.(*net.TCPConn).CloseWrite()
	reply, _ := io.ReadAll(c)
	c.Close()
	fmt.Println(string(reply))

	l.Stop()
	fmt.Println(<-done)
	// Output:
	// HELLO, LOOP
	// <nil>
}
