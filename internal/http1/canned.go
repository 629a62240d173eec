package http1

import "strconv"

// AppendErrorResponse appends a complete plain-text response for e: its
// status line, Date (when date is non-nil and updated), Content-Type,
// Content-Length, "Connection: close" when e.Close is set, and a body
// "<status> <reason phrase>\n". A nil e, or one whose status is outside
// 400–599, is answered as 500 with Connection: close.
func AppendErrorResponse(dst []byte, e *Error, date *DateCache) []byte {
	status, closing := 500, true
	if e != nil && e.Status >= 400 && e.Status <= 599 {
		status, closing = e.Status, e.Close
	}
	text := StatusText(status)
	dst, _ = AppendStatusLine(dst, status)
	if date != nil {
		dst = date.AppendHeader(dst)
	}
	dst = append(dst, "Content-Type: text/plain; charset=utf-8\r\n"...)
	dst = AppendContentLength(dst, int64(len(text)+5))
	if closing {
		dst = AppendConnectionClose(dst)
	}
	dst = append(dst, "\r\n"...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, text...)
	return append(dst, '\n')
}
