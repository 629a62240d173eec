// Package tlspipe is the in-memory net.Conn that crypto/tls runs over when
// an event loop owns the real socket (DESIGN §5, TLS on the loop): the
// server's client connections and the proxy's https upstreams both use it.
package tlspipe

import (
	"io"
	"net"
	"sync"
	"time"
)

// Pipe is the net.Conn a tls.Conn runs over. It has two phases:
//
//   - During the handshake (onLoop false) crypto/tls runs in its own
//     goroutine: Read waits (mu, cond) for bytes the loop pushes; Write
//     copies the bytes and posts them to the loop (post).
//   - Afterwards (SetOnLoop, called on the loop once the handshake
//     goroutine has ended) only the loop goroutine uses it, without locking:
//     Read on an empty buffer returns ErrWouldBlock, a temporary net.Error that
//     crypto/tls treats as retryable; Write appends to *wire, the
//     connection's ciphertext send buffer.
type Pipe struct {
	mu     sync.Mutex
	cond   sync.Cond
	in     []byte // received ciphertext not yet read by crypto/tls
	closed bool   // no more input: Read returns io.EOF once in is empty

	sem    chan struct{} // handshake slots (SetHandshakeSlots): released while Read waits
	onLoop bool
	post   func([]byte) error // handshake phase: hand a copy of written bytes to the loop
	wire   *[]byte            // loop phase: where Write appends
}

// New returns a pipe whose handshake-phase writes go to post (a copy, to be
// handed to the loop) and whose loop-phase writes append to *wire. post may
// be set later with SetPost, before the handshake starts.
func New(post func([]byte) error, wire *[]byte) *Pipe {
	p := &Pipe{post: post, wire: wire}
	p.cond.L = &p.mu
	return p
}

// SetPost sets the handshake-phase write function.
func (p *Pipe) SetPost(post func([]byte) error) { p.post = post }

// SetHandshakeSlots makes a handshake-phase Read that has to wait for input
// give up a slot of sem while it waits and take one back before it goes on,
// so clients that stall do not hold the slots handshakes compute in.
func (p *Pipe) SetHandshakeSlots(sem chan struct{}) { p.sem = sem }

// SetOnLoop switches to the loop phase; call it on the loop once the
// handshake goroutine has ended.
func (p *Pipe) SetOnLoop() { p.onLoop = true }

// OnLoop reports whether the pipe is in the loop phase.
func (p *Pipe) OnLoop() bool { return p.onLoop }

// wouldBlock is the error of a Read on an empty pipe after the handshake.
type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tlspipe: no TLS input buffered" }
func (wouldBlock) Timeout() bool   { return false }
func (wouldBlock) Temporary() bool { return true }

// ErrWouldBlock is what Read returns in the loop phase when no input is
// buffered: a temporary net.Error, which crypto/tls treats as retryable.
var ErrWouldBlock net.Error = wouldBlock{}

// Push adds received ciphertext and returns how much is buffered.
func (p *Pipe) Push(b []byte) int {
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

// HelloComplete reports whether the input holds a whole first TLS record
// (5-byte header, then the length it gives), or more input than that.
// Called on the loop before the handshake goroutine starts.
func (p *Pipe) HelloComplete() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.in) < 5 {
		return false
	}
	return len(p.in) >= 5+(int(p.in[3])<<8|int(p.in[4]))
}

// CloseRead marks the end of input and wakes a waiting Read.
func (p *Pipe) CloseRead() {
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
func (p *Pipe) Read(b []byte) (int, error) {
	if p.onLoop {
		return p.take(b, ErrWouldBlock)
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
// after CloseRead, else empty.
func (p *Pipe) take(b []byte, empty error) (int, error) {
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
func (p *Pipe) Write(b []byte) (int, error) {
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
func (p *Pipe) Close() error {
	p.CloseRead()
	return nil
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "loop" }
func (pipeAddr) String() string  { return "loop" }

// LocalAddr implements net.Conn.
func (p *Pipe) LocalAddr() net.Addr { return pipeAddr{} }

// RemoteAddr implements net.Conn.
func (p *Pipe) RemoteAddr() net.Addr { return pipeAddr{} }

// SetDeadline implements net.Conn; the loop enforces deadlines.
func (p *Pipe) SetDeadline(time.Time) error { return nil }

// SetReadDeadline implements net.Conn; the loop enforces deadlines.
func (p *Pipe) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline implements net.Conn; the loop enforces deadlines.
func (p *Pipe) SetWriteDeadline(time.Time) error { return nil }
