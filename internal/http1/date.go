package http1

import "time"

// dateLayout is the IMF-fixdate format of RFC 9110 §5.6.7.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// DateCache holds the current Date field value, formatted once per second.
// Each event loop owns one and calls Update (e.g. from a one-second timer or
// before each batch of responses); it is not safe for concurrent use.
type DateCache struct {
	sec int64
	n   int
	buf [len(dateLayout)]byte
}

// Update reformats the date if now is in a different second than the last
// update.
func (c *DateCache) Update(now time.Time) {
	sec := now.Unix()
	if c.n != 0 && sec == c.sec {
		return
	}
	c.sec = sec
	c.n = len(now.UTC().AppendFormat(c.buf[:0], dateLayout))
}

// Value returns the formatted date, valid until the next Update; empty
// before the first Update.
func (c *DateCache) Value() []byte { return c.buf[:c.n:c.n] }

// AppendHeader appends "Date: <value>\r\n" to dst, or nothing before the
// first Update (RFC 9110 §6.6.1 allows omitting Date without a clock).
func (c *DateCache) AppendHeader(dst []byte) []byte {
	if c.n == 0 {
		return dst
	}
	dst = append(dst, "Date: "...)
	dst = append(dst, c.buf[:c.n]...)
	return append(dst, "\r\n"...)
}
