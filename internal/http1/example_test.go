package http1_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/zeroserve/zeroserve/internal/http1"
)

// Example shows the loop a server runs per connection: parse a head from
// the receive buffer, answer 100 Continue if asked, read the body, write a
// response, and go on with the next pipelined request.
func Example() {
	recv := []byte("POST /upload HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\n" +
		"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" +
		"GET /a/../b%20c HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
	var (
		p    http1.RequestParser
		d    http1.BodyDecoder
		date http1.DateCache
		send []byte
		path []byte
	)
	p.Init(http1.Limits{MaxBodyBytes: 1 << 20})
	date.Update(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	for {
		p.Reset()
		n, err := p.Parse(recv)
		if errors.Is(err, http1.ErrNeedMore) {
			break // read more into recv, then Parse again
		}
		var perr *http1.Error
		if errors.As(err, &perr) {
			send = http1.AppendErrorResponse(send, perr, &date)
			break // close if perr.Close
		}
		req := p.Request()
		recv = recv[n:]
		if req.ExpectContinue() {
			send = http1.AppendContinue(send)
		}
		d.Reset(req.Framing(), http1.Limits{MaxBodyBytes: 1 << 20})
		var body []byte
		for !d.Done() {
			data, k, err := d.Next(recv)
			if err != nil || k == 0 {
				return // answer err, or wait for more bytes
			}
			body = append(body, data...)
			recv = recv[k:]
		}
		path, err = http1.NormalizePath(path[:0], req.Path())
		if err != nil {
			return
		}
		fmt.Printf("%s %s body=%q keep-alive=%v\n", req.MethodName(), path, body, req.KeepAlive())
		send, _ = http1.AppendStatusLine(send, 204)
		send = date.AppendHeader(send)
		send = append(send, "\r\n"...)
		if !req.KeepAlive() {
			break
		}
	}
	fmt.Printf("%q\n", send)
	// Output:
	// POST /upload body="hello" keep-alive=true
	// GET /b c body="" keep-alive=false
	// "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nDate: Sat, 28 Nov 2026 12:00:00 GMT\r\n\r\nHTTP/1.1 204 No Content\r\nDate: Sat, 28 Nov 2026 12:00:00 GMT\r\n\r\n"
}
