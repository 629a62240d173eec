package caddyfile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// Adapt turns a Caddyfile into Caddy's JSON config (compact), as `caddy
// adapt` does, with the warnings Caddy would give. filename names the file
// in errors and resolves relative imports. Directives, options and
// subdirectives zeroserve does not support are rejected with an
// *UnsupportedError naming their file and line.
func Adapt(filename string, body []byte) (out []byte, warnings []Warning, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("BUG: adapting %s: %v", filename, r)
		}
	}()
	if filename == "" {
		filename = "Caddyfile"
	}
	// The formatting check reads only body: it runs beside the adaptation.
	type formatting struct {
		w     Warning
		ok    bool
		panic any
	}
	format := make(chan formatting, 1)
	go func() {
		var f formatting
		defer func() {
			f.panic = recover()
			format <- f
		}()
		f.w, f.ok = formattingDifference(filename, body)
	}()
	blocks, err := caddyfile.Parse(filename, body)
	if err != nil {
		return nil, nil, err
	}
	a := &adaptation{options: map[string]any{}, state: map[string]any{}}
	cfg, err := a.setup(blocks)
	if err != nil {
		return nil, a.warnings, err
	}
	if f := <-format; f.panic != nil {
		panic(f.panic)
	} else if f.ok {
		a.warnings = append(a.warnings, f.w)
	}
	out, err = json.Marshal(cfg)
	return out, a.warnings, err
}

// formattingDifference returns a warning at the first line where body
// differs from its canonical formatting, as Caddy warns.
func formattingDifference(filename string, body []byte) (Warning, bool) {
	normalized := bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	formatted := caddyfile.Format(normalized)
	if bytes.Equal(formatted, normalized) {
		return Warning{}, false
	}
	line := 1
	for i, ch := range normalized {
		if i >= len(formatted) || ch != formatted[i] {
			break
		}
		if ch == '\n' {
			line++
		}
	}
	return Warning{
		File:    filename,
		Line:    line,
		Message: "Caddyfile input is not formatted; run 'caddy fmt --overwrite' to fix inconsistencies",
	}, true
}
