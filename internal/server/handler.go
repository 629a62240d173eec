package server

// Handler answers requests. ServeHTTP1 is called on the connection's loop
// goroutine and must not block. It either finishes the response before
// returning (the writer is finished automatically when it returns) or calls
// w.Defer and finishes it later on the same loop with Completion.Finish.
// r and w, and every slice r returns, are valid until the response is
// finished.
type Handler interface {
	ServeHTTP1(w *ResponseWriter, r *Request)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(w *ResponseWriter, r *Request)

// ServeHTTP1 calls f(w, r).
func (f HandlerFunc) ServeHTTP1(w *ResponseWriter, r *Request) { f(w, r) }

// BodyPolicy is implemented by handlers that decide, from the head alone,
// whether they need the request body. Without it the body is always read
// (and buffered, up to Config.Limits.MaxBodyBytes) before ServeHTTP1. When
// WantsBody returns false, a client waiting on "Expect: 100-continue" gets
// no 100 Continue, ServeHTTP1 runs at once with an empty body, and the
// connection closes after the response unless the body was empty.
//
// A handler that takes the body as it is decoded, instead of buffered,
// implements BodyStreamer; BodyPolicy stays the place where a handler says
// whether it reads the body at all.
type BodyPolicy interface {
	WantsBody(r *Request) bool
}
