package helpers

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lexer of the CEL subset the expression matcher accepts
// (caddy_expr_parse.go has the grammar).

// exprTokKind is the kind of a lexical token.
type exprTokKind uint8

const (
	tokEOF exprTokKind = iota
	tokIdent
	tokInt
	tokUint
	tokDouble
	tokString
	tokBytes
	tokOp // punctuation and operators
)

// exprToken is one token; text is the operator or identifier, val the
// literal's value.
type exprToken struct {
	kind exprTokKind
	text string
	val  any
	pos  int
}

// exprOps are the operators and punctuation, longest first.
var exprOps = []string{"&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "+", "-", "*", "/", "%",
	"(", ")", "[", "]", "{", "}", ",", ".", ":", "?"}

// lexExpr splits src into tokens.
func lexExpr(src string) ([]exprToken, error) {
	var toks []exprToken
	i := 0
	for {
		for i < len(src) && strings.IndexByte(" \t\r\n\f", src[i]) >= 0 {
			i++
		}
		if strings.HasPrefix(src[i:], "//") {
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		if i >= len(src) {
			return append(toks, exprToken{kind: tokEOF, pos: i}), nil
		}
		c := src[i]
		start := i
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			for i < len(src) && (src[i] == '_' || src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z' || src[i] >= '0' && src[i] <= '9') {
				i++
			}
			word := src[start:i]
			if i < len(src) && (src[i] == '\'' || src[i] == '"') {
				lower := strings.ToLower(word)
				if lower == "r" || lower == "b" || lower == "rb" || lower == "br" {
					s, n, err := lexString(src[i:], strings.Contains(lower, "r"))
					if err != nil {
						return nil, fmt.Errorf("at %d: %v", start, err)
					}
					i += n
					kind := tokString
					if strings.Contains(lower, "b") {
						kind = tokBytes
					}
					toks = append(toks, exprToken{kind: kind, val: s, pos: start})
					continue
				}
			}
			toks = append(toks, exprToken{kind: tokIdent, text: word, pos: start})
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			tok, n, err := lexNumber(src[i:])
			if err != nil {
				return nil, fmt.Errorf("at %d: %v", start, err)
			}
			tok.pos = start
			i += n
			toks = append(toks, tok)
		case c == '\'' || c == '"':
			s, n, err := lexString(src[i:], false)
			if err != nil {
				return nil, fmt.Errorf("at %d: %v", start, err)
			}
			i += n
			toks = append(toks, exprToken{kind: tokString, val: s, pos: start})
		default:
			op := ""
			for _, o := range exprOps {
				if strings.HasPrefix(src[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, fmt.Errorf("at %d: unexpected character %q", start, r)
			}
			i += len(op)
			toks = append(toks, exprToken{kind: tokOp, text: op, pos: start})
		}
	}
}

// lexNumber reads an int (decimal or 0x hex), a uint (suffix u) or a
// double literal.
func lexNumber(s string) (exprToken, int, error) {
	i := 0
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		i = 2
		for i < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[i]) >= 0 {
			i++
		}
		return intToken(s[:i], s[i:], 0)
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	double := false
	if i < len(s) && s[i] == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
		double = true
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			double = true
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	if double {
		f, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return exprToken{}, 0, fmt.Errorf("bad number %q", s[:i])
		}
		return exprToken{kind: tokDouble, val: f}, i, nil
	}
	return intToken(s[:i], s[i:], 10)
}

func intToken(digits, rest string, base int) (exprToken, int, error) {
	n := len(digits)
	if len(rest) > 0 && (rest[0] == 'u' || rest[0] == 'U') {
		u, err := strconv.ParseUint(digits, base, 64)
		if err != nil {
			return exprToken{}, 0, fmt.Errorf("bad unsigned integer %q", digits)
		}
		return exprToken{kind: tokUint, val: u}, n + 1, nil
	}
	v, err := strconv.ParseInt(digits, base, 64)
	if err != nil {
		return exprToken{}, 0, fmt.Errorf("bad integer %q", digits)
	}
	return exprToken{kind: tokInt, val: v}, n, nil
}

// lexString reads a quoted string ('x', "x", ”'x”' or """x""") and
// returns its value and length; raw strings keep backslashes.
func lexString(s string, raw bool) (string, int, error) {
	q := s[:1]
	if strings.HasPrefix(s, q+q+q) {
		q = q + q + q
	}
	var sb strings.Builder
	i := len(q)
	for {
		if i >= len(s) {
			return "", 0, fmt.Errorf("unterminated string")
		}
		if strings.HasPrefix(s[i:], q) {
			return sb.String(), i + len(q), nil
		}
		c := s[i]
		if len(q) == 1 && (c == '\n' || c == '\r') {
			return "", 0, fmt.Errorf("newline in string")
		}
		if c != '\\' || raw {
			sb.WriteByte(c)
			i++
			continue
		}
		n, err := lexEscape(s[i:], &sb)
		if err != nil {
			return "", 0, err
		}
		i += n
	}
}

// lexEscape decodes the escape sequence at the start of s (a backslash
// first) into sb and returns its length.
func lexEscape(s string, sb *strings.Builder) (int, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("unterminated escape")
	}
	simple := map[byte]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
		'\\': '\\', '\'': '\'', '"': '"', '`': '`', '?': '?'}
	if c, ok := simple[s[1]]; ok {
		sb.WriteByte(c)
		return 2, nil
	}
	var digits, base int
	var start int
	switch s[1] {
	case 'x', 'X':
		digits, base, start = 2, 16, 2
	case 'u':
		digits, base, start = 4, 16, 2
	case 'U':
		digits, base, start = 8, 16, 2
	case '0', '1', '2', '3':
		digits, base, start = 3, 8, 1
	default:
		return 0, fmt.Errorf("invalid escape \\%c", s[1])
	}
	if len(s) < start+digits {
		return 0, fmt.Errorf("short escape")
	}
	v, err := strconv.ParseUint(s[start:start+digits], base, 32)
	if err != nil {
		return 0, fmt.Errorf("invalid escape %q", s[:start+digits])
	}
	if !utf8.ValidRune(rune(v)) {
		return 0, fmt.Errorf("invalid code point %q", s[:start+digits])
	}
	sb.WriteRune(rune(v))
	return start + digits, nil
}
