package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// upTLS is the TLS layer of an https upstream connection, on crypto/tls
// as the server's TLS is (DESIGN §5): the handshake runs in a goroutine
// over tlsPipe, which the loop feeds; afterwards the loop drives the same
// tls.Conn, whose reads of an empty pipe return a temporary error that
// crypto/tls treats as retryable.
type upTLS struct {
	conn    *tls.Conn
	pipe    *tlsPipe
	ready   bool   // the handshake is done and the loop owns conn
	wire    []byte // ciphertext written on the loop, sent by flush
	queued  []byte // a request written before the handshake finished
	queuedX *exchange
	plain   []byte // read buffer
}

func newUpTLS(cfg *tls.Config) *upTLS {
	t := &upTLS{}
	t.pipe = &tlsPipe{wire: &t.wire}
	t.pipe.cond.L = &t.pipe.mu
	t.conn = tls.Client(t.pipe, cfg)
	return t
}

// start runs the handshake once the TCP connection is up.
func (t *upTLS) start(uc *upConn) {
	lp := uc.pl.lp
	t.pipe.post = func(b []byte) error {
		cp := append([]byte(nil), b...)
		if !lp.Post(func() { t.sendWire(uc, nil, cp) }) {
			return net.ErrClosed
		}
		return nil
	}
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
	t.pipe.onLoop = true
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
		t.pipe.closeRead()
		if !t.ready {
			return // the handshake goroutine fails and reports
		}
		t.read(uc)
		if !errors.Is(err, io.EOF) && !uc.closing {
			uc.deliver(nil, err)
		}
		return
	}
	t.pipe.push(b)
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
		var wb wouldBlock
		if err == nil || errors.As(err, &wb) {
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

// tlsPipe is the net.Conn under an upstream's tls.Conn: during the
// handshake Read waits (mu, cond) for bytes the loop pushes and Write
// posts a copy to the loop; afterwards (onLoop) only the loop uses it,
// Read on an empty buffer returns wouldBlock and Write appends to *wire.
type tlsPipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	in     []byte
	closed bool
	onLoop bool
	post   func([]byte) error
	wire   *[]byte
}

// wouldBlock is the temporary error of a Read on an empty pipe.
type wouldBlock struct{}

func (wouldBlock) Error() string   { return "proxy: no TLS input buffered" }
func (wouldBlock) Timeout() bool   { return false }
func (wouldBlock) Temporary() bool { return true }

func (p *tlsPipe) push(b []byte) {
	if p.onLoop {
		p.in = append(p.in, b...)
		return
	}
	p.mu.Lock()
	p.in = append(p.in, b...)
	p.cond.Signal()
	p.mu.Unlock()
}

func (p *tlsPipe) closeRead() {
	if p.onLoop {
		p.closed = true
		return
	}
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

// Read implements net.Conn.
func (p *tlsPipe) Read(b []byte) (int, error) {
	if !p.onLoop {
		p.mu.Lock()
		defer p.mu.Unlock()
		for len(p.in) == 0 && !p.closed {
			p.cond.Wait()
		}
	}
	if len(p.in) == 0 {
		if p.closed {
			return 0, io.EOF
		}
		return 0, wouldBlock{}
	}
	n := copy(b, p.in)
	p.in = p.in[:copy(p.in, p.in[n:])]
	return n, nil
}

// Write implements net.Conn.
func (p *tlsPipe) Write(b []byte) (int, error) {
	if p.onLoop {
		*p.wire = append(*p.wire, b...)
		return len(b), nil
	}
	if err := p.post(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Close implements net.Conn; the loop closes the real connection.
func (p *tlsPipe) Close() error {
	p.closeRead()
	return nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "loop" }
func (pipeAddr) String() string  { return "loop" }

// LocalAddr implements net.Conn.
func (p *tlsPipe) LocalAddr() net.Addr { return pipeAddr{} }

// RemoteAddr implements net.Conn.
func (p *tlsPipe) RemoteAddr() net.Addr { return pipeAddr{} }

// SetDeadline implements net.Conn; the loop enforces deadlines.
func (p *tlsPipe) SetDeadline(time.Time) error { return nil }

// SetReadDeadline implements net.Conn; the loop enforces deadlines.
func (p *tlsPipe) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline implements net.Conn; the loop enforces deadlines.
func (p *tlsPipe) SetWriteDeadline(time.Time) error { return nil }
