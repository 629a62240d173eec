package caddyfile

import (
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseMatcherDefinition parses one named matcher definition, "@name ..."
// (single line, block, or a lone quoted/backtick CEL expression) into
// defs[@name], one key per matcher module.
func parseMatcherDefinition(d *caddyfile.Dispenser, defs map[string]Obj) error {
	d.Next()
	name := d.Val()
	if _, dup := defs[name]; dup {
		return fmt.Errorf("matcher is defined more than once: %s", name)
	}
	set := Obj{}
	defs[name] = set

	// A quoted first argument is the shorthand for an expression matcher.
	if d.NextArg() {
		if d.Token().Quoted() {
			exprName := d.Token().Clone()
			exprName.Text = "expression"
			return addMatcher(set, name, "expression", []caddyfile.Token{exprName, d.Token()})
		}
		d.Prev()
	}
	for nesting := d.Nesting(); d.NextArg() || d.NextBlock(nesting); {
		matcher := d.Val()
		if err := addMatcher(set, name, matcher, d.NextSegment()); err != nil {
			return err
		}
	}
	return nil
}

// addMatcher parses the tokens of one matcher (its name first) and merges
// the result into set under the matcher's name.
func addMatcher(set Obj, defName, matcher string, tokens []caddyfile.Token) error {
	d := caddyfile.NewDispenser(tokens)
	d.SetContext(caddyfile.MatcherNameCtxKey, strings.TrimPrefix(defName, "@"))
	if !isMatcher(matcher) {
		d.Next()
		return unsupported(d, "matcher")
	}
	val, err := unmarshalMatcher(matcher, d, set[matcher])
	if err != nil {
		return err
	}
	set[matcher] = val
	return nil
}

// matcherSetFromToken returns the matcher set that the dispenser's current
// token stands for: "*" (all requests: nil set), a path "/..." or a named
// matcher "@name"; ok is false for any other token.
func matcherSetFromToken(d *caddyfile.Dispenser, defs map[string]Obj) (Obj, bool, error) {
	tok := d.Val()
	switch {
	case tok == "*":
		return nil, true, nil
	case strings.HasPrefix(tok, "/"):
		return Obj{"path": []string{tok}}, true, nil
	case strings.HasPrefix(tok, "@"):
		set, ok := defs[tok]
		if !ok {
			return nil, false, d.Errf("unrecognized matcher name: %+v", tok)
		}
		return set, true, nil
	}
	return nil, false, nil
}
