package server

import (
	"io"
	"net"
	"sync"
	"time"
)

// maxHandshakeInput: with this much ciphertext received before the
// handshake finished (a TLS 1.3 client may send its request right after its
// Finished), receiving pauses until the handshake is done.
const maxHandshakeInput = 64 << 10

// pipe is the net.Conn a tls.Conn runs over. It has two phases:
//
//   - During the handshake (onLoop false) crypto/tls runs in its own
//     goroutine: Read waits (mu, cond) for bytes the loop pushes; Write
//     copies the bytes and posts them to the loop (post).
//   - Afterwards (onLoop true, set on the loop once the handshake goroutine
//     has ended) only the loop goroutine uses it, without locking: Read on
//     an empty buffer returns errWouldBlock, a temporary net.Error that
//     crypto/tls treats as retryable; Write appends to *wire, the
//     connection's ciphertext send buffer.
type pipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	in     []byte // received ciphertext not yet read by crypto/tls
	closed bool   // no more input: Read returns io.EOF once in is empty

	sem    chan struct{} // the worker's handshake slots: released while Read waits
	onLoop bool
	post   func([]byte) error // handshake phase: hand a copy of written bytes to the loop
	wire   *[]byte            // loop phase: where Write appends
}

func newPipe(post func([]byte) error, wire *[]byte) *pipe {
	p := &pipe{post: post, wire: wire}
	p.cond.L = &p.mu
	return p
}

// wouldBlock is the error of a Read on an empty pipe after the handshake.
type wouldBlock struct{}

func (wouldBlock) Error() string   { return "server: no TLS input buffered" }
func (wouldBlock) Timeout() bool   { return false }
func (wouldBlock) Temporary() bool { return true }

var errWouldBlock net.Error = wouldBlock{}

// push adds received ciphertext and returns how much is buffered.
func (p *pipe) push(b []byte) int {
	if p.onLoop {
		p.in = append(p.in, b...)
		return len(p.in)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.in = append(p.in, b...)
	p.cond.Signal()
	return len(p.in)
}

// helloComplete reports whether the input holds a whole first TLS record
// (5-byte header, then the length it gives), or more input than that.
// Called on the loop before the handshake goroutine starts.
func (p *pipe) helloComplete() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.in) < 5 {
		return false
	}
	return len(p.in) >= 5+(int(p.in[3])<<8|int(p.in[4]))
}

// closeRead marks the end of input and wakes a waiting Read.
func (p *pipe) closeRead() {
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
func (p *pipe) Read(b []byte) (int, error) {
	if p.onLoop {
		return p.take(b, errWouldBlock)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.in) == 0 && !p.closed && p.sem != nil {
		// Waiting for the client: give the handshake slot to one that can
		// compute, and take one again (without holding mu, which the loop
		// needs to push) once input is there.
		<-p.sem
		for len(p.in) == 0 && !p.closed {
			p.cond.Wait()
		}
		p.mu.Unlock()
		p.sem <- struct{}{}
		p.mu.Lock()
	}
	for len(p.in) == 0 && !p.closed {
		p.cond.Wait()
	}
	return p.take(b, nil)
}

// take moves buffered input to b; on an empty buffer it returns io.EOF
// after closeRead, else empty.
func (p *pipe) take(b []byte, empty error) (int, error) {
	if len(p.in) == 0 {
		if p.closed {
			return 0, io.EOF
		}
		return 0, empty
	}
	n := copy(b, p.in)
	k := copy(p.in, p.in[n:])
	p.in = p.in[:k]
	return n, nil
}

// Write implements net.Conn.
func (p *pipe) Write(b []byte) (int, error) {
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
func (p *pipe) Close() error {
	p.closeRead()
	return nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "loop" }
func (pipeAddr) String() string  { return "loop" }

// LocalAddr implements net.Conn.
func (p *pipe) LocalAddr() net.Addr { return pipeAddr{} }

// RemoteAddr implements net.Conn.
func (p *pipe) RemoteAddr() net.Addr { return pipeAddr{} }

// SetDeadline implements net.Conn; the loop enforces deadlines.
func (p *pipe) SetDeadline(time.Time) error { return nil }

// SetReadDeadline implements net.Conn; the loop enforces deadlines.
func (p *pipe) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline implements net.Conn; the loop enforces deadlines.
func (p *pipe) SetWriteDeadline(time.Time) error { return nil }
