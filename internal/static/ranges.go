package static

import (
	"errors"
	"net/textproto"
	"strconv"
	"strings"
)

// httpRange is one byte range of a file.
type httpRange struct {
	start, length int64
}

func (r httpRange) contentRange(size int64) string {
	return "bytes " + strconv.FormatInt(r.start, 10) + "-" + strconv.FormatInt(r.start+r.length-1, 10) + "/" + strconv.FormatInt(size, 10)
}

var (
	errInvalidRange = errors.New("invalid range")
	errNoOverlap    = errors.New("invalid range: failed to overlap")
)

// parseRange parses a Range header for a file of size bytes (RFC 9110
// §14.2), with net/http's rules and error messages: a range starting past
// the end is skipped, and errNoOverlap is returned when every range was.
func parseRange(s string, size int64) ([]httpRange, error) {
	if s == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(s, "bytes=")
	if !ok {
		return nil, errInvalidRange
	}
	var ranges []httpRange
	noOverlap := false
	for ra := range strings.SplitSeq(spec, ",") {
		ra = textproto.TrimString(ra)
		if ra == "" {
			continue
		}
		first, last, ok := strings.Cut(ra, "-")
		if !ok {
			return nil, errInvalidRange
		}
		first, last = textproto.TrimString(first), textproto.TrimString(last)
		var r httpRange
		if first == "" {
			if last == "" || last[0] == '-' {
				return nil, errInvalidRange
			}
			n, err := strconv.ParseInt(last, 10, 64)
			if err != nil || n < 0 {
				return nil, errInvalidRange
			}
			n = min(n, size)
			r.start, r.length = size-n, n
		} else {
			i, err := strconv.ParseInt(first, 10, 64)
			if err != nil || i < 0 {
				return nil, errInvalidRange
			}
			if i >= size {
				noOverlap = true
				continue
			}
			r.start = i
			if last == "" {
				r.length = size - i
			} else {
				j, err := strconv.ParseInt(last, 10, 64)
				if err != nil || i > j {
					return nil, errInvalidRange
				}
				j = min(j, size-1)
				r.length = j - i + 1
			}
		}
		ranges = append(ranges, r)
	}
	if noOverlap && len(ranges) == 0 {
		return nil, errNoOverlap
	}
	return ranges, nil
}
