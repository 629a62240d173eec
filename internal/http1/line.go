package http1

import "bytes"

// lineScanner finds CRLF-terminated lines in a buffer that grows between
// calls. It remembers where the current line starts and how far the search
// for its LF got, so bytes are scanned once however the input is split.
type lineScanner struct {
	start int // first byte of the line being looked for
	scan  int // where the search for its LF resumes
}

// next looks for the LF ending the line at ls.start. It returns the LF's
// index, or -1 when buf holds no LF yet. It does not advance; call advance
// once the line has been checked.
func (ls *lineScanner) next(buf []byte) int {
	i := bytes.IndexByte(buf[ls.scan:], '\n')
	if i < 0 {
		ls.scan = len(buf)
		return -1
	}
	return ls.scan + i
}

// content returns the end of the line's content before the LF at lf, or an
// error when the LF is not preceded by CR (RFC 9112 §2.2: we do not accept
// a bare LF as a line terminator).
func (ls *lineScanner) content(buf []byte, lf int) (int, *Error) {
	if lf == ls.start || buf[lf-1] != '\r' {
		return 0, badRequest("bare LF as line terminator", lf)
	}
	return lf - 1, nil
}

// advance moves past the line ending at lf.
func (ls *lineScanner) advance(lf int) {
	ls.start = lf + 1
	ls.scan = lf + 1
}
