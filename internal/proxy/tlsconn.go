package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"

	"github.com/zeroserve/zeroserve/internal/tlspipe"
)

// upTLS is the TLS layer of an https upstream connection, on crypto/tls
// as the server's TLS is (DESIGN §5): the handshake runs in a goroutine
// over a tlspipe.Pipe, which the loop feeds; afterwards the loop drives the same
// tls.Conn, whose reads of an empty pipe return a temporary error that
// crypto/tls treats as retryable.
type upTLS struct {
	conn    *tls.Conn
	pipe    *tlspipe.Pipe
	ready   bool   // the handshake is done and the loop owns conn
	wire    []byte // ciphertext written on the loop, sent by flush
	queued  []byte // a request written before the handshake finished
	queuedX *exchange
	plain   []byte // read buffer
}

func newUpTLS(cfg *tls.Config) *upTLS {
	t := &upTLS{}
	t.pipe = tlspipe.New(nil, &t.wire)
	t.conn = tls.Client(t.pipe, cfg)
	return t
}

// start runs the handshake once the TCP connection is up.
func (t *upTLS) start(uc *upConn) {
	lp := uc.pl.lp
	t.pipe.SetPost(func(b []byte) error {
		cp := append([]byte(nil), b...)
		if !lp.Post(func() { t.sendWire(uc, nil, cp) }) {
			return net.ErrClosed
		}
		return nil
	})
	timeout := uc.pl.p.cfg.DialTimeout
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := t.conn.HandshakeContext(ctx)
		cancel()
		lp.Post(func() { t.handshakeDone(uc, err) })
	}()
}

// handshakeDone runs on the loop after the handshake goroutine ended.
func (t *upTLS) handshakeDone(uc *upConn, err error) {
	if uc.closing {
		return
	}
	if err != nil {
		uc.close() // OnClose fails the exchange: 502
		return
	}
	t.pipe.SetOnLoop()
	t.ready = true
	if x := t.queuedX; x != nil {
		t.queuedX = nil
		t.sendPlain(uc, x, t.queued)
		t.queued = t.queued[:0]
	}
	t.read(uc)
}

// send encrypts request bytes for x and sends them (after the handshake).
func (t *upTLS) send(uc *upConn, x *exchange, b []byte) error {
	if !t.ready {
		t.queued = append(t.queued[:0], b...)
		t.queuedX = x
		return nil
	}
	return t.sendPlain(uc, x, b)
}

func (t *upTLS) sendPlain(uc *upConn, x *exchange, b []byte) error {
	t.wire = nil // each send gets its own buffer: the kernel reads it until OnSend
	if _, err := t.conn.Write(b); err != nil {
		uc.close()
		return err
	}
	w := t.wire
	t.wire = nil
	return t.sendWire(uc, x, w)
}

// sendWire sends ciphertext w, carrying x's request bytes (or none).
func (t *upTLS) sendWire(uc *upConn, x *exchange, w []byte) error {
	if uc.closing {
		return net.ErrClosed
	}
	if err := uc.pl.lp.Send(uc.c, w); err != nil {
		return err
	}
	uc.sends = append(uc.sends, x)
	return nil
}

// recv takes ciphertext (or the end of the stream) from the loop.
func (t *upTLS) recv(uc *upConn, b []byte, err error) {
	if err != nil {
		t.pipe.CloseRead()
		if !t.ready {
			return // the handshake goroutine fails and reports
		}
		t.read(uc)
		if !errors.Is(err, io.EOF) && !uc.closing {
			uc.deliver(nil, err)
		}
		return
	}
	t.pipe.Push(b)
	if t.ready {
		t.read(uc)
	}
}

// read decrypts what the pipe holds and passes it on, until the pipe is
// empty, the connection is paused or closing; then it sends whatever
// crypto/tls wrote meanwhile (alerts, key update replies).
func (t *upTLS) read(uc *upConn) {
	if cap(t.plain) == 0 {
		t.plain = make([]byte, 16<<10)
	}
	for !uc.paused && !uc.closing {
		n, err := t.conn.Read(t.plain[:cap(t.plain)])
		if n > 0 {
			uc.deliver(t.plain[:n], nil)
			continue
		}
		if err == nil || errors.Is(err, tlspipe.ErrWouldBlock) {
			break
		}
		uc.deliver(nil, err) // io.EOF, or an alert
		return
	}
	if len(t.wire) > 0 && !uc.closing {
		w := t.wire
		t.wire = nil
		t.sendWire(uc, nil, w)
	}
}
