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

// BenchmarkLoopRoundTrip measures 64-byte request/response round trips
// between two loops on the same backend (clients on one, server on the
// other), so no Go netpoller is involved: ns/op is per round trip.
func BenchmarkLoopRoundTrip(b *testing.B) {
	for _, backend := range []Backend{IOUring, Epoll} {
		for _, conns := range []int{1, 64} {
			b.Run(backend.String()+"/conns="+itoa(conns), func(b *testing.B) {
				benchLoops(b, backend, conns)
			})
		}
	}
}

// pinger answers (server) or sends (client) one 64-byte message per 64
// bytes received; the message is never modified, so every Send can share it.
type pinger struct {
	l     *Loop
	msg   []byte
	got   map[Conn]int
	left  int           // client: round trips still to start
	todo  int           // client: round trips still to finish
	done  chan struct{} // client: closed when all round trips are done
	reply bool          // server
}

func (p *pinger) accept(c Conn, err error) Handler {
	if err != nil {
		return nil
	}
	return p
}

func (p *pinger) OnRecv(c Conn, b []byte, err error) {
	if err != nil {
		p.l.Close(c)
		return
	}
	n := p.got[c] + len(b)
	for ; n >= len(p.msg); n -= len(p.msg) {
		if p.reply {
			p.l.Send(c, p.msg)
			continue
		}
		if p.todo--; p.todo == 0 {
			close(p.done)
		}
		if p.left > 0 {
			p.left--
			p.l.Send(c, p.msg)
		}
	}
	p.got[c] = n
}

func (p *pinger) OnSend(Conn, error) {}
func (p *pinger) OnClose(Conn)       {}

func benchLoops(b *testing.B, backend Backend, conns int) {
	msg := make([]byte, 64)
	srv, cli := newLoop(b, backend), newLoop(b, backend)
	sp := &pinger{l: srv, msg: msg, got: map[Conn]int{}, reply: true}
	ln, err := srv.Listen("127.0.0.1:0", 0, sp.accept)
	if err != nil {
		b.Fatal(err)
	}
	ap, _ := srv.ListenerAddr(ln)
	start(b, srv)
	start(b, cli)
	cp := &pinger{l: cli, msg: msg, got: map[Conn]int{}, left: b.N, todo: b.N, done: make(chan struct{})}
	ready := make(chan struct{}, conns)
	var cs []Conn
	onLoop(b, cli, func() {
		for range conns {
			c, err := cli.Connect(ap, cp, func(_ Conn, err error) {
				if err != nil {
					b.Error(err)
				}
				ready <- struct{}{}
			})
			if err != nil {
				b.Fatal(err)
			}
			cs = append(cs, c)
		}
	})
	for range conns {
		<-ready
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	onLoop(b, cli, func() {
		for _, c := range cs {
			if cp.left > 0 {
				cp.left--
				cli.Send(c, msg)
			}
		}
	})
	wait(b, cp.done, "all round trips")
	b.StopTimer()
}
