package proxy

import (
	"github.com/zeroserve/zeroserve/internal/http1"
)

// beginTunnel relays the upstream's 101 Switching Protocols (head of n
// bytes at the start of x.buf) and turns the exchange into a byte tunnel
// between the client and the upstream connection (WebSocket): the
// client's bytes go up as request body pieces (onBody, paused while the
// upstream lags), the upstream's go down as streamed response bytes
// (tunnelRecv, paused while the client lags), until either side closes.
func (x *exchange) beginTunnel(resp *http1.Response, n int) {
	w := x.done.Writer()
	if w == nil {
		return // the client is gone: abort ran
	}
	h := resp.Header()
	conn := connNames(h.Get("connection"))
	for i := 0; i < h.Len(); i++ {
		if name := h.Name(i); !hopByHop(name, conn) && !equalFold(name, "content-length") {
			w.AddHeaderBytes(fieldName(name), h.Value(i))
		}
	}
	x.stopTimer() // a tunnel may stay quiet for as long as its peers like
	x.tunnel, x.streaming = true, true
	x.streamReq, x.chunkedReq, x.reqDone = true, false, false
	x.r.OnBody(x.bodyFn)
	w.OnDrain(x.drainFn)
	if err := w.SwitchProtocols(h.Get("upgrade")); err != nil {
		x.fail(502)
		return
	}
	if rest := x.buf[n:]; len(rest) > 0 {
		x.tunnelRecv(rest, nil)
	}
}

// tunnelRecv relays upstream bytes to the client; the upstream's end of
// stream, or an error, ends the tunnel (the client connection closes once
// what was relayed is sent).
func (x *exchange) tunnelRecv(b []byte, err error) {
	w := x.done.Writer()
	if w == nil {
		return // the client is gone: abort ran
	}
	if err != nil {
		uc := x.uc
		x.detach()
		uc.close()
		x.complete()
		return
	}
	w.Write(b)
	if !x.paused && w.Buffered() > streamHighWater {
		x.paused = true
		x.pl.p.pauses.Add(1)
		x.uc.pause()
	}
}
