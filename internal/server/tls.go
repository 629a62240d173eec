package server

import (
	"crypto/tls"
	"errors"
	"io"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/internal/tlspipe"
)

// acmeTLSALPN is the ALPN protocol of ACME TLS-ALPN-01 validations. A
// tls.Config whose GetConfigForClient offers it (internal/certs) answers
// the validation in the handshake; the connection then closes.
const acmeTLSALPN = "acme-tls/1"

// maxHandshakeInput: with this much ciphertext received before the
// handshake finished (a TLS 1.3 client may send its request right after its
// Finished), receiving pauses until the handshake is done.
const maxHandshakeInput = 64 << 10

// tlsConn is a connection's TLS layer: crypto/tls over a pipe. It is
// allocated per connection (never reused), because the handshake goroutine
// may still hold it after the connection closed.
type tlsConn struct {
	pipe    *tlspipe.Pipe
	tc      *tls.Conn
	state   tls.ConnectionState // after the handshake
	wire    []byte              // ciphertext waiting for loop.Send
	started bool                // the handshake goroutine was started
	gen     uint32              // the conn's gen when accepted
	ja4     string              // the ClientHello's fingerprint (clienthello.go)
	info    helpers.ConnInfo    // what scripts see, after the handshake
}

// newTLSConn prepares the TLS layer of c (whose gen is final).
func newTLSConn(w *worker, c *conn) *tlsConn {
	t := &tlsConn{gen: c.gen}
	t.pipe = tlspipe.New(func(b []byte) error {
		cp := append([]byte(nil), b...)
		if !w.lp.Post(func() { t.deliver(c, cp) }) {
			return ErrServerClosed
		}
		return nil
	}, &t.wire)
	t.tc = tls.Server(t.pipe, helloConfig(w.srv.cfg.TLS))
	return t
}

// live reports whether c still is the connection t was made for.
func (t *tlsConn) live(c *conn) bool {
	return c.gen == t.gen && c.tls == t && c.state != stateClosed
}

// deliver queues handshake bytes the goroutine wrote, on the loop.
func (t *tlsConn) deliver(c *conn, b []byte) {
	if !t.live(c) {
		return
	}
	t.wire = append(t.wire, b...)
	c.flush()
}

// recv handles ciphertext received on the loop.
func (t *tlsConn) recv(c *conn, b []byte) {
	if c.state == stateClosing && t.pipe.OnLoop() {
		return
	}
	n := t.pipe.Push(b)
	if !t.pipe.OnLoop() {
		if n > maxHandshakeInput && !c.paused && c.w.lp.PauseRecv(c.lc) == nil {
			c.paused = true // resumed when the handshake is done
		}
		if !t.started && t.pipe.HelloComplete() {
			c.w.startHandshake(c)
		}
		return // the handshake goroutine reads it
	}
	t.read(c)
	c.advance()
	c.flush()
	c.maybePause()
}

// read decrypts what the pipe holds into c.rbuf.
func (t *tlsConn) read(c *conn) {
	for {
		c.makeRoom(16 << 10)
		n, err := t.tc.Read(c.rbuf[len(c.rbuf):cap(c.rbuf)])
		c.rbuf = c.rbuf[:len(c.rbuf)+n]
		if err == nil {
			continue
		}
		if errors.Is(err, tlspipe.ErrWouldBlock) {
			return
		}
		if errors.Is(err, io.EOF) {
			c.eof = true // close_notify or end of stream
		} else {
			c.closeNow(err)
		}
		return
	}
}

// encrypt writes plaintext p as TLS records into t.wire.
func (t *tlsConn) encrypt(p []byte) {
	t.tc.Write(p) // errors stick in tc; the pipe's Write cannot fail here
}

// closeNotify queues a close_notify alert.
func (t *tlsConn) closeNotify() { t.tc.CloseWrite() }

// startHandshake starts c's handshake goroutine. It is called once the
// first TLS record (the ClientHello) has fully arrived, so clients that
// stall before sending it cost no goroutine. The goroutine computes only
// while holding one of the worker's MaxHandshakes slots (hsSem) and gives
// its slot up while it waits for the client (pipe.Read), so stalled
// clients never hold one.
func (w *worker) startHandshake(c *conn) {
	t := c.tls
	t.started = true
	lp := w.lp
	sem := w.hsSem
	t.pipe.SetHandshakeSlots(sem)
	helloConns.Store(t.pipe, t) // the goroutine deletes it
	go func() {
		sem <- struct{}{}
		err := t.tc.Handshake()
		helloConns.Delete(t.pipe)
		var st tls.ConnectionState
		if err == nil {
			st = t.tc.ConnectionState()
		}
		<-sem
		lp.Post(func() { t.handshakeDone(c, st, err) })
	}()
}

// handshakeDone runs on the loop when a handshake goroutine has ended.
func (t *tlsConn) handshakeDone(c *conn, st tls.ConnectionState, err error) {
	if !t.live(c) || c.state != stateHandshake {
		return // closed or closing meanwhile
	}
	if err != nil {
		c.stick(err)
		c.flush() // the alert crypto/tls wrote
		c.enterClosing()
		return
	}
	t.pipe.SetOnLoop()
	t.state = st
	t.info = helpers.ConnInfo{ALPN: st.NegotiatedProtocol, SNI: st.ServerName, JA4: t.ja4, PeerCertificates: st.PeerCertificates}
	c.clearDeadline()
	if st.NegotiatedProtocol == acmeTLSALPN {
		c.enterClosing() // the certificate was the answer; no HTTP here (RFC 8737 §3)
		return
	}
	c.state = stateReadHead
	c.resume()
	t.read(c)
	c.advance()
	c.flush()
}
