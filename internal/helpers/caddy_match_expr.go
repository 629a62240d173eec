package helpers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// exprMatcher is Caddy's expression matcher (caddyhttp.MatchExpression)
// on our own parser and evaluator of the CEL subset people use in
// Caddyfiles: literals, lists, && || ! ?:, == != < <= > >= in, + - * / %,
// the string methods startsWith, endsWith, contains, matches,
// lowerAscii, upperAscii, trim and size, the conversions int, uint,
// double and string, {placeholders}, and the matcher macros (path(),
// host(), method(), header(), header_regexp(), path_regexp(), query(),
// protocol(), remote_ip(), client_ip(), file(), vars(), vars_regexp()).
// Anything else is an error naming it when the configuration loads.
type exprMatcher struct {
	root *exprNode
}

// Caddy rewrites {name} into ph(req, "name") (anywhere, string literals
// included) and then \{name} into {name}, before CEL parses the text.
var (
	exprPlaceholder        = regexp.MustCompile(`([^\\]|^){([a-zA-Z][\w.-]+)}`)
	exprEscapedPlaceholder = regexp.MustCompile(`\\{([a-zA-Z][\w.-]+)}`)
)

// expandExprPlaceholders is Caddy's placeholder rewriting.
func expandExprPlaceholders(expr string) string {
	expr = exprPlaceholder.ReplaceAllString(expr, `${1}ph(req, "${2}")`)
	return exprEscapedPlaceholder.ReplaceAllString(expr, `{${1}}`)
}

// newExprMatcher parses and checks an expression; name names the
// captures of its regexp macros.
func newExprMatcher(expr, name string) (*exprMatcher, error) {
	root, err := parseExpr(expandExprPlaceholders(expr))
	if err != nil {
		return nil, fmt.Errorf("expression %q: %v", expr, err)
	}
	c := &exprChecker{name: name}
	if err := c.check(root); err != nil {
		return nil, fmt.Errorf("expression %q: %v", expr, err)
	}
	if root.typ != tyBool {
		return nil, fmt.Errorf("expression %q: a matcher expression must be bool, not %v", expr, root.typ)
	}
	return &exprMatcher{root: root}, nil
}

// match evaluates the expression; an evaluation error (a type mismatch
// of placeholder values, an overflow) is an error, as in Caddy, where it
// fails the request.
func (m *exprMatcher) match(ex *Exchange) (bool, error) {
	v, err := (&exprEval{ex: ex}).eval(m.root)
	if err != nil {
		return false, fmt.Errorf("evaluating expression: %v", err)
	}
	b, _ := v.(bool)
	return b, nil
}

// phValue is ph(req, key): the placeholder's value with the type
// Caddy's replacer gives it (ports and status codes are ints, variables
// keep their type), null when Caddy does not know the key.
func phValue(ex *Exchange, key string) any {
	repl := replacer{ex}
	switch key {
	case "http.request.port", "http.request.remote.port", "http.error.status_code":
		s, ok := repl.get(key)
		if !ok {
			return nil
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
		return s
	}
	if name, ok := strings.CutPrefix(key, "http.vars."); ok {
		switch v := varAny(ex, name).(type) {
		case nil, bool, string, float64:
			return v
		case int:
			return int64(v)
		default:
			return placeholderString(v)
		}
	}
	s, ok := repl.get(key)
	if !ok {
		return nil
	}
	return s
}

// CheckCaddyExpression checks an expression matcher as the helper will
// load it, so the compiler can name its JSON path.
func CheckCaddyExpression(expr, name string) error {
	_, err := newExprMatcher(expr, name)
	return err
}
