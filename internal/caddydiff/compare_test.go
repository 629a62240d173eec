//go:build caddyoracle

package caddydiff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// difference is one field on which zeroserve's response differs from
// Caddy's.
type difference struct {
	field            string // "response", "status", "body", "framing", "header <Name>"
	caddy, zeroserve string
}

// compare returns the fields on which z differs from c.
func compare(c, z response) []difference {
	if c.closed != "" || z.closed != "" {
		if (c.closed == "") != (z.closed == "") {
			return []difference{{"response", c.summary(), z.summary()}}
		}
		return nil
	}
	var out []difference
	if c.status != z.status {
		out = append(out, difference{"status", strconv.Itoa(c.status), strconv.Itoa(z.status)})
	}
	if c.framing != z.framing {
		out = append(out, difference{"framing", c.framing, z.framing})
	}
	var names []string
	for n := range c.header {
		names = append(names, n)
	}
	for n := range z.header {
		if _, ok := c.header[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		cv, cok := c.header[n]
		zv, zok := z.header[n]
		if cok != zok || cv != zv {
			out = append(out, difference{"header " + n, present(cv, cok), present(zv, zok)})
		}
	}
	if c.body != z.body {
		out = append(out, difference{"body", strconv.Quote(c.body), strconv.Quote(z.body)})
	}
	return out
}

// present renders a header value, or "(absent)".
func present(v string, ok bool) string {
	if !ok {
		return "(absent)"
	}
	return strconv.Quote(v)
}

// summary renders a response in one line for reports.
func (r response) summary() string {
	if r.closed != "" {
		return r.closed
	}
	return fmt.Sprintf("%d, %d body bytes", r.status, len(r.body))
}

// render renders a response in full for verbose reports.
func (r response) render() string {
	if r.closed != "" {
		return r.closed
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d (%s)", r.status, r.framing)
	var names []string
	for n := range r.header {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "\n\t\t%s: %q", n, r.header[n])
	}
	fmt.Fprintf(&b, "\n\t\tbody %q", r.body)
	return b.String()
}
