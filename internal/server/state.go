package server

// connState is where a connection is in its life. advance moves it on; each
// constant lists the states it may go to next. Every state may also go to
// stateClosed when the loop reports the connection closed.
type connState uint8

const (
	// stateHandshake: a TLS handshake is queued or running in its
	// goroutine; received bytes go to the pipe. Next: stateReadHead (done)
	// or stateClosing (failed; nothing is sent).
	stateHandshake connState = iota
	// stateReadHead: parsing a request head from rbuf. Next: stateReadBody,
	// stateHandle, or stateClosing (parse error, timeout, end of stream).
	stateReadHead
	// stateReadBody: decoding the request body into body. Next:
	// stateHandle or stateClosing (body error, timeout, end of stream).
	stateReadBody
	// stateHandle: the handler runs or has deferred its response. Next:
	// stateReadHead (response queued, keep-alive) or stateClosing.
	stateHandle
	// stateClosing: the last response is queued; the connection closes once
	// it is sent (then the peer gets a FIN; a short linger drains its
	// data). Next: stateClosed.
	stateClosing
	// stateClosed: OnClose arrived; the conn is back on the free list.
	stateClosed
)

var connStateNames = [...]string{
	stateHandshake: "stateHandshake",
	stateReadHead:  "stateReadHead",
	stateReadBody:  "stateReadBody",
	stateHandle:    "stateHandle",
	stateClosing:   "stateClosing",
	stateClosed:    "stateClosed",
}

// String returns the state's name.
func (s connState) String() string {
	if int(s) < len(connStateNames) {
		return connStateNames[s]
	}
	return "connState(?)"
}
