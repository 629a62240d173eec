package static

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Request is what serving a file reads of the request.
type Request struct {
	// Method is the request method ("GET", "HEAD", ...).
	Method string
	// Header returns the first value of a request header field, or "".
	Header func(name string) string
}

// Content is a file to serve.
type Content struct {
	// Size is the file's length.
	Size int64
	// ModTime is sent as Last-Modified and used by If-Modified-Since and
	// If-Unmodified-Since; the zero time (and Unix time 0) means none.
	ModTime time.Time
	// File is the file; ServeContent takes it over (it ends in the
	// response, or is closed).
	File File
}

// ServeContent decides the response to req for c as net/http.ServeContent
// does (Caddy's file_server answers through it): res already holds the
// status to use for a full response (200 or an override) and the header
// fields set before (Content-Type, ETag, Vary, Content-Encoding); it never
// sniffs a missing Content-Type. In order (RFC 9110 §13.2.2): If-Match,
// else If-Unmodified-Since (412); If-None-Match (304 for GET and HEAD, 412
// otherwise), else If-Modified-Since (304); then If-Range and Range: one
// range gives 206 with Content-Range, several give 206
// multipart/byteranges, none satisfiable gives 416 (200 for an empty
// file), ranges adding up to more than the file give 200.
func ServeContent(req Request, res *Response, c Content) {
	res.File = c.File
	if !isZeroTime(c.ModTime) {
		res.Set("Last-Modified", c.ModTime.UTC().Format(http.TimeFormat))
	}
	etag := res.Get("Etag")
	ch := ifMatch(req.Header("If-Match"), etag)
	if ch == condNone {
		ch = ifUnmodifiedSince(req.Header("If-Unmodified-Since"), c.ModTime)
	}
	if ch == condFalse {
		res.Close()
		res.Status, res.Parts = http.StatusPreconditionFailed, nil
		return
	}
	getOrHead := req.Method == "GET" || req.Method == "HEAD"
	switch ifNoneMatch(req.Header("If-None-Match"), etag) {
	case condFalse:
		if getOrHead {
			notModified(res)
		} else {
			res.Close()
			res.Status, res.Parts = http.StatusPreconditionFailed, nil
		}
		return
	case condNone:
		if getOrHead && ifModifiedSince(req.Header("If-Modified-Since"), c.ModTime) == condFalse {
			notModified(res)
			return
		}
	}
	rangeHdr := req.Header("Range")
	if rangeHdr != "" && getOrHead && ifRange(req.Header("If-Range"), etag, c.ModTime) == condFalse {
		rangeHdr = ""
	}
	ranges, err := parseRange(rangeHdr, c.Size)
	switch err {
	case nil:
	case errNoOverlap:
		if c.Size == 0 {
			ranges = nil
			break
		}
		res.Set("Content-Range", "bytes */"+strconv.FormatInt(c.Size, 10))
		fallthrough
	default:
		for _, k := range [...]string{"Cache-Control", "Content-Encoding", "Etag", "Last-Modified"} {
			res.Del(k)
		}
		res.Error(http.StatusRequestedRangeNotSatisfiable, err.Error())
		return
	}
	var sum int64
	for _, r := range ranges {
		sum += r.length
	}
	if sum > c.Size {
		ranges = nil
	}
	switch {
	case len(ranges) == 1:
		r := ranges[0]
		res.Status = http.StatusPartialContent
		res.Set("Content-Range", r.contentRange(c.Size))
		res.Parts = []Part{{Off: r.start, Len: r.length}}
	case len(ranges) > 1:
		res.Status = http.StatusPartialContent
		multipart(res, ranges, c.Size)
	default:
		res.Parts = []Part{{Off: 0, Len: c.Size}}
	}
	res.Set("Accept-Ranges", "bytes")
}

// notModified makes res a 304 as net/http does: no representation fields,
// and no Last-Modified when there is an ETag.
func notModified(res *Response) {
	res.Close()
	res.Del("Content-Type")
	res.Del("Content-Length")
	res.Del("Content-Encoding")
	if res.Get("Etag") != "" {
		res.Del("Last-Modified")
	}
	res.Status, res.Parts = http.StatusNotModified, nil
}

// multipart lays ranges out as a multipart/byteranges body with a random
// boundary, byte for byte as mime/multipart writes it.
func multipart(res *Response, ranges []httpRange, size int64) {
	var rnd [30]byte // as mime/multipart: 60 hex digits
	rand.Read(rnd[:])
	boundary := hex.EncodeToString(rnd[:])
	ctype := res.Get("Content-Type")
	res.Set("Content-Type", "multipart/byteranges; boundary="+boundary)
	res.Parts = res.Parts[:0]
	for i, r := range ranges {
		var b strings.Builder
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Range: " + r.contentRange(size) + "\r\n")
		b.WriteString("Content-Type: " + ctype + "\r\n\r\n")
		res.Parts = append(res.Parts, Part{Data: []byte(b.String())}, Part{Off: r.start, Len: r.length})
	}
	res.Parts = append(res.Parts, Part{Data: []byte("\r\n--" + boundary + "--\r\n")})
}

// condResult is the outcome of one precondition.
type condResult int

const (
	condNone condResult = iota
	condTrue
	condFalse
)

var unixEpoch = time.Unix(0, 0)

func isZeroTime(t time.Time) bool { return t.IsZero() || t.Equal(unixEpoch) }

// scanETag returns the entity tag at the start of s (after spaces) and
// what follows it, or "", "" when there is none.
func scanETag(s string) (etag, rest string) {
	s = textproto.TrimString(s)
	start := 0
	if strings.HasPrefix(s, "W/") {
		start = 2
	}
	if len(s[start:]) < 2 || s[start] != '"' {
		return "", ""
	}
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == 0x21 || c >= 0x23 && c <= 0x7E || c >= 0x80:
		case c == '"':
			return s[:i+1], s[i+1:]
		default:
			return "", ""
		}
	}
	return "", ""
}

func strongMatch(a, b string) bool { return a == b && a != "" && a[0] == '"' }

func weakMatch(a, b string) bool {
	return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}

// etagList evaluates a list of entity tags: "*" gives star, a tag that
// match accepts gives onMatch.
func etagList(list, etag string, match func(a, b string) bool, star, onMatch, otherwise condResult) condResult {
	if list == "" {
		return condNone
	}
	for {
		list = textproto.TrimString(list)
		if list == "" {
			break
		}
		if list[0] == ',' {
			list = list[1:]
			continue
		}
		if list[0] == '*' {
			return star
		}
		t, rest := scanETag(list)
		if t == "" {
			break
		}
		if match(t, etag) {
			return onMatch
		}
		list = rest
	}
	return otherwise
}

func ifMatch(v, etag string) condResult {
	return etagList(v, etag, strongMatch, condTrue, condTrue, condFalse)
}

func ifNoneMatch(v, etag string) condResult {
	return etagList(v, etag, weakMatch, condFalse, condFalse, condTrue)
}

// sinceCheck compares mtime (to the second) with an HTTP date: at or
// before it gives notAfter, after it the opposite.
func sinceCheck(v string, mtime time.Time, notAfter condResult) condResult {
	if v == "" || isZeroTime(mtime) {
		return condNone
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return condNone
	}
	if mtime.Truncate(time.Second).Compare(t) <= 0 {
		return notAfter
	}
	return condTrue + condFalse - notAfter
}

func ifUnmodifiedSince(v string, mtime time.Time) condResult {
	return sinceCheck(v, mtime, condTrue)
}

func ifModifiedSince(v string, mtime time.Time) condResult {
	return sinceCheck(v, mtime, condFalse)
}

func ifRange(v, etag string, mtime time.Time) condResult {
	if v == "" {
		return condNone
	}
	if t, _ := scanETag(v); t != "" {
		if strongMatch(t, etag) {
			return condTrue
		}
		return condFalse
	}
	if mtime.IsZero() {
		return condFalse
	}
	t, err := http.ParseTime(v)
	if err != nil || t.Unix() != mtime.Unix() {
		return condFalse
	}
	return condTrue
}
