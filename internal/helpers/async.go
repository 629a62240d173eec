package helpers

// AsyncResponse is the response of ActionAsync's work.
type AsyncResponse struct {
	Status int
	Header []Field
	Body   []byte
}

// maxAsync bounds how many asynchronous works (identity-provider
// exchanges) may run at once in the process; asyncSlots holds one token
// per running work. A work that finds no slot answers 503.
const maxAsync = 64

var asyncSlots = make(chan struct{}, maxAsync)

// deferWork makes work the request's response (ActionAsync): the server
// runs it on a goroutine of its own, off the event loop (one per
// connection at most: the connection waits for it), and sends what it
// returns.
func (ex *Exchange) deferWork(work func() AsyncResponse) {
	ex.Action = ActionAsync
	ex.Async = func() AsyncResponse {
		select {
		case asyncSlots <- struct{}{}:
		default:
			return AsyncResponse{Status: 503, Body: []byte("too many pending logins")}
		}
		defer func() { <-asyncSlots }()
		return work()
	}
}
