package server

import (
	"errors"
	"math"

	"github.com/zeroserve/zeroserve/internal/http1"
)

// SwitchProtocols answers a deferred request that asked to upgrade
// (Upgrade and "Connection: upgrade", HTTP/1.1) with 101 Switching
// Protocols, the fields added so far, "Connection: Upgrade" and
// "Upgrade: upgrade", and turns the connection into a byte tunnel (a
// WebSocket relayed by the reverse proxy): the client's bytes reach the
// handler through Request.OnBody (held back with PauseBody), Write sends
// bytes to the client as they are (Buffered and OnDrain for
// backpressure), and Completion.Finish closes the connection once what
// was written is sent. The client's end of stream closes the connection
// (OnAbort).
func (w *ResponseWriter) SwitchProtocols(upgrade []byte) error {
	c := w.c
	switch {
	case w.done:
		return ErrFinished
	case !w.deferred || w.stream:
		return errors.New("server: SwitchProtocols needs a deferred response, before Stream")
	case c.req.head.Upgrade() == nil || c.bs.active:
		return errors.New("server: SwitchProtocols on a request that did not ask to upgrade")
	case w.err != nil:
		return w.err
	}
	out, _ := http1.AppendStatusLine(c.out, 101)
	if !w.hasServer {
		out = append(out, "Server: zeroserve\r\n"...)
	}
	out = append(out, w.head...)
	out = append(out, "Connection: Upgrade\r\n"...)
	var err error
	if out, err = http1.AppendHeader(out, "Upgrade", upgrade); err != nil {
		return w.setErr(&HeaderError{Name: "Upgrade", Reason: err.Error()})
	}
	c.out = append(out, "\r\n"...)
	w.status = 101
	w.stream, w.remain = true, math.MaxInt64 // raw bytes until the close
	c.closeAfter = true
	c.bs = bodyStream{active: true, on: c.bs.on} // OnBody may come first
	c.dec.Reset(http1.Framing{Kind: http1.BodyUntilClose}, c.w.srv.cfg.Limits)
	if !c.serving {
		c.advance() // bytes the client sent after the head go to OnBody now
	}
	c.flush()
	return nil
}
