package caddyconf

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Duration is a length of time in nanoseconds, as Caddy's caddy.Duration:
// JSON gives it as an integer (nanoseconds) or as a Go duration string
// ("300ms", "1.5h") that may also use "d" for 24 hours ("1d12h"). It
// marshals as an integer, as Caddy's does.
type Duration int64

// maxDurationString is Caddy's limit on the length of a duration string.
const maxDurationString = 1024

func (du *Duration) decodeJSON(_ *decoder, path string, raw json.RawMessage) error {
	if string(raw) == "null" {
		*du = 0
		return nil
	}
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return typeError(path, raw, "a duration")
		}
		v, err := ParseDuration(s)
		if err != nil {
			return &PathError{Path: path, Msg: err.Error()}
		}
		*du = Duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return typeError(path, raw, "a duration (integer nanoseconds or string)")
	}
	*du = Duration(n)
	return nil
}

// ParseDuration parses a Go duration string in which "d" also means 24
// hours, as Caddy's caddy.ParseDuration (inputs over 1024 bytes are
// rejected).
func ParseDuration(s string) (time.Duration, error) {
	if len(s) > maxDurationString {
		return 0, &durationError{s: s[:32] + "...", msg: "input string too long"}
	}
	if !strings.Contains(s, "d") {
		return time.ParseDuration(s)
	}
	// Rewrite each "<number>d" as hours; the number is the run of digits,
	// dots and signs just before the "d".
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != 'd' {
			continue
		}
		j := i
		for j > start && strings.IndexByte("0123456789.+-", s[j-1]) >= 0 {
			j--
		}
		days, err := strconv.ParseFloat(s[j:i], 64)
		if err != nil {
			return 0, &durationError{s: s, msg: "invalid number of days " + strconv.Quote(s[j:i])}
		}
		b.WriteString(s[start:j])
		b.WriteString(strconv.FormatFloat(days*24, 'f', -1, 64))
		b.WriteByte('h')
		start = i + 1
	}
	b.WriteString(s[start:])
	return time.ParseDuration(b.String())
}

type durationError struct{ s, msg string }

func (e *durationError) Error() string {
	return "invalid duration " + strconv.Quote(e.s) + ": " + e.msg
}
