package loop

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkEchoRoundTrip measures one 64-byte request/response round trip
// over loopback through an echo server on the loop, with net.Conn clients
// (1 or 64 connections in parallel; ns/op is per round trip).
func BenchmarkEchoRoundTrip(b *testing.B) {
	for _, backend := range []Backend{IOUring, Epoll} {
		for _, conns := range []int{1, 64} {
			b.Run(backend.String()+"/conns="+itoa(conns), func(b *testing.B) {
				benchEcho(b, backend, conns)
			})
		}
	}
}

func benchEcho(b *testing.B, backend Backend, conns int) {
	l := newLoop(b, backend)
	e := newEchoServer(l)
	ln, err := l.Listen("127.0.0.1:0", 0, e.accept)
	if err != nil {
		b.Fatal(err)
	}
	ap, err := l.ListenerAddr(ln)
	if err != nil {
		b.Fatal(err)
	}
	start(b, l)
	clients := make([]net.Conn, conns)
	for i := range clients {
		if clients[i], err = net.Dial("tcp", ap.String()); err != nil {
			b.Fatal(err)
		}
		defer clients[i].Close()
	}
	msg := make([]byte, 64)
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for _, c := range clients {
		wg.Go(func() {
			buf := make([]byte, len(msg))
			for left.Add(-1) >= 0 {
				if _, err := c.Write(msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
}
