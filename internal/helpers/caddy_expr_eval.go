package helpers

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The evaluator of checked expressions. Values are bool, int64, uint64,
// float64, string, nil (null) and []any (lists). As in CEL, && and ||
// absorb errors when the other side decides (false && error is false),
// == compares values of different types as unequal and numbers across
// types by value, and a type mismatch or overflow is an error.

// exprEval evaluates against one request.
type exprEval struct {
	ex *Exchange
}

// valueType names a value's type for errors.
func valueType(v any) exprType { return literalType(v) }

func (ev *exprEval) eval(n *exprNode) (any, error) {
	switch n.kind {
	case exprLit:
		return n.val, nil
	case exprList:
		out := make([]any, len(n.args))
		for i, a := range n.args {
			v, err := ev.eval(a)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case exprUnary:
		return ev.unary(n)
	case exprBinary:
		return ev.binary(n)
	case exprCond:
		c, err := ev.eval(n.args[0])
		if err != nil {
			return nil, err
		}
		b, ok := c.(bool)
		if !ok {
			return nil, fmt.Errorf("condition is %v, not bool", valueType(c))
		}
		if b {
			return ev.eval(n.args[1])
		}
		return ev.eval(n.args[2])
	case exprCall:
		if n.macro != nil {
			return ev.macro(n)
		}
		if n.target != nil {
			return ev.method(n)
		}
		return ev.call(n)
	}
	return nil, fmt.Errorf("cannot evaluate node kind %d", n.kind)
}

func (ev *exprEval) macro(n *exprNode) (any, error) {
	set := n.macro.set
	if set == nil {
		in, err := macroArgs(n, ev)
		if err != nil {
			return nil, err
		}
		if set, err = n.macro.build(in); err != nil {
			return nil, fmt.Errorf("%s: %v", n.name, err)
		}
	}
	return set.match(ev.ex)
}

func (ev *exprEval) unary(n *exprNode) (any, error) {
	v, err := ev.eval(n.args[0])
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case bool:
		if n.op == "!" {
			return !x, nil
		}
	case int64:
		if n.op == "-" {
			if x == math.MinInt64 {
				return nil, errOverflow
			}
			return -x, nil
		}
	case float64:
		if n.op == "-" {
			return -x, nil
		}
	}
	return nil, fmt.Errorf("no operator %s for %v", n.op, valueType(v))
}

// logical is && and || with CEL's commutative error absorption.
func (ev *exprEval) logical(n *exprNode) (any, error) {
	decides := n.op == "||" // the value that decides alone
	var firstErr error
	for _, a := range n.args {
		v, err := ev.eval(a)
		if err == nil {
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("no operator %s for %v", n.op, valueType(v))
			} else if b == decides {
				return decides, nil
			}
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return !decides, nil
}

func (ev *exprEval) binary(n *exprNode) (any, error) {
	if n.op == "&&" || n.op == "||" {
		return ev.logical(n)
	}
	l, err := ev.eval(n.args[0])
	if err != nil {
		return nil, err
	}
	r, err := ev.eval(n.args[1])
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "==":
		return valuesEqual(l, r), nil
	case "!=":
		return !valuesEqual(l, r), nil
	case "in":
		list, ok := r.([]any)
		if !ok {
			return nil, fmt.Errorf("no operator in for %v", valueType(r))
		}
		return slices.ContainsFunc(list, func(e any) bool { return valuesEqual(l, e) }), nil
	case "<", "<=", ">", ">=":
		c, err := compareValues(l, r)
		if err != nil {
			return nil, err
		}
		switch n.op {
		case "<":
			return c < 0, nil
		case "<=":
			return c <= 0, nil
		case ">":
			return c > 0, nil
		}
		return c >= 0, nil
	}
	return arith(n.op, l, r)
}

// valuesEqual is CEL's heterogeneous equality.
func valuesEqual(a, b any) bool {
	if c, err := compareNumbers(a, b); err == nil {
		return c == 0
	}
	la, aok := a.([]any)
	lb, bok := b.([]any)
	if aok || bok {
		return aok && bok && slices.EqualFunc(la, lb, valuesEqual)
	}
	return a == b
}

// errNotNumbers is compareNumbers' answer for operands that are not two
// ordered numbers (a sentinel: equality tests hit it for every string).
var errNotNumbers = errors.New("not comparable numbers")

// compareNumbers orders two numbers of any numeric types; NaN is
// unordered (an error).
func compareNumbers(a, b any) (int, error) {
	toF := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case uint64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	// Exact for the same integer types.
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmpOrdered(x, y), nil
		}
		if y, ok := b.(uint64); ok {
			if x < 0 {
				return -1, nil
			}
			return cmpOrdered(uint64(x), y), nil
		}
	case uint64:
		if y, ok := b.(uint64); ok {
			return cmpOrdered(x, y), nil
		}
		if y, ok := b.(int64); ok {
			if y < 0 {
				return 1, nil
			}
			return cmpOrdered(x, uint64(y)), nil
		}
	}
	fa, aok := toF(a)
	fb, bok := toF(b)
	if !aok || !bok || math.IsNaN(fa) || math.IsNaN(fb) {
		return 0, errNotNumbers
	}
	return cmpOrdered(fa, fb), nil
}

func cmpOrdered[T int64 | uint64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareValues orders numbers, strings and bools.
func compareValues(a, b any) (int, error) {
	if c, err := compareNumbers(a, b); err == nil {
		return c, nil
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmpOrdered(x, y), nil
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, nil
			case !x:
				return -1, nil
			}
			return 1, nil
		}
	}
	return 0, fmt.Errorf("no ordering of %v and %v", valueType(a), valueType(b))
}

// arith is + - * / % on values of one type (+ also joins strings and
// lists); integer overflow and division by zero are errors.
func arith(op string, l, r any) (any, error) {
	switch x := l.(type) {
	case int64:
		if y, ok := r.(int64); ok {
			return intArith(op, x, y)
		}
	case uint64:
		if y, ok := r.(uint64); ok {
			return uintArith(op, x, y)
		}
	case float64:
		y, ok := r.(float64)
		if !ok || op == "%" {
			break
		}
		switch op {
		case "+":
			return x + y, nil
		case "-":
			return x - y, nil
		case "*":
			return x * y, nil
		}
		return x / y, nil
	case string:
		if y, ok := r.(string); ok && op == "+" {
			return x + y, nil
		}
	case []any:
		if y, ok := r.([]any); ok && op == "+" {
			return append(slices.Clip(x), y...), nil
		}
	}
	return nil, fmt.Errorf("no operator %s for %v and %v", op, valueType(l), valueType(r))
}

// Arithmetic errors.
var (
	errOverflow     = errors.New("integer overflow")
	errUintOverflow = errors.New("unsigned integer overflow")
	errDivByZero    = errors.New("division by zero")
)

func intArith(op string, x, y int64) (any, error) {
	overflow := errOverflow
	switch op {
	case "+":
		if s := x + y; (s > x) == (y > 0) || y == 0 {
			return s, nil
		}
		return nil, overflow
	case "-":
		if s := x - y; (s < x) == (y > 0) || y == 0 {
			return s, nil
		}
		return nil, overflow
	case "*":
		if x == 0 || y == 0 {
			return int64(0), nil
		}
		p := x * y
		if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
			return nil, overflow
		}
		return p, nil
	}
	if y == 0 {
		return nil, errDivByZero
	}
	if x == math.MinInt64 && y == -1 {
		return nil, overflow
	}
	if op == "/" {
		return x / y, nil
	}
	return x % y, nil
}

func uintArith(op string, x, y uint64) (any, error) {
	overflow := errUintOverflow
	switch op {
	case "+":
		if x+y < x {
			return nil, overflow
		}
		return x + y, nil
	case "-":
		if y > x {
			return nil, overflow
		}
		return x - y, nil
	case "*":
		if x != 0 && (x*y)/x != y {
			return nil, overflow
		}
		return x * y, nil
	}
	if y == 0 {
		return nil, errDivByZero
	}
	if op == "/" {
		return x / y, nil
	}
	return x % y, nil
}

func (ev *exprEval) strArgs(n *exprNode) ([]string, error) {
	var out []string
	for _, a := range append([]*exprNode{n.target}, n.args...) {
		if a == nil {
			continue
		}
		v, err := ev.eval(a)
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: %v is not a string", n.name, valueType(v))
		}
		out = append(out, s)
	}
	return out, nil
}

func (ev *exprEval) method(n *exprNode) (any, error) {
	if n.name == "size" {
		return ev.size(n.target)
	}
	s, err := ev.strArgs(n)
	if err != nil {
		return nil, err
	}
	switch n.name {
	case "startsWith":
		return strings.HasPrefix(s[0], s[1]), nil
	case "endsWith":
		return strings.HasSuffix(s[0], s[1]), nil
	case "contains":
		return strings.Contains(s[0], s[1]), nil
	case "matches":
		return matchPattern(s[0], s[1])
	case "lowerAscii":
		return asciiMap(s[0], 'A', 'Z', 'a'-'A'), nil
	case "upperAscii":
		return asciiMap(s[0], 'a', 'z', 'A'-'a'), nil
	case "trim":
		return strings.TrimSpace(s[0]), nil
	}
	return nil, fmt.Errorf("no method %s", n.name)
}

// asciiMap shifts the ASCII letters in [lo, hi] by delta.
func asciiMap(s string, lo, hi byte, delta int) string {
	b := []byte(s)
	for i, c := range b {
		if c >= lo && c <= hi {
			b[i] = byte(int(c) + delta)
		}
	}
	return string(b)
}

// matchPattern is CEL's matches: an RE2 search anywhere in s.
func matchPattern(s, pattern string) (any, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	return re.MatchString(s), nil
}

func (ev *exprEval) size(a *exprNode) (any, error) {
	v, err := ev.eval(a)
	if err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case string:
		return int64(utf8.RuneCountInString(x)), nil
	case []any:
		return int64(len(x)), nil
	}
	return nil, fmt.Errorf("size of %v", valueType(v))
}

func (ev *exprEval) call(n *exprNode) (any, error) {
	switch n.name {
	case "ph":
		return phValue(ev.ex, n.args[1].val.(string)), nil
	case "size":
		return ev.size(n.args[0])
	case "matches":
		s, err := ev.strArgs(n)
		if err != nil {
			return nil, err
		}
		return matchPattern(s[0], s[1])
	}
	v, err := ev.eval(n.args[0])
	if err != nil {
		return nil, err
	}
	return convert(n.name, v)
}

// convert is CEL's int(), uint(), double() and string().
func convert(to string, v any) (any, error) {
	switch to {
	case "string":
		switch x := v.(type) {
		case string:
			return x, nil
		case bool:
			return strconv.FormatBool(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case uint64:
			return strconv.FormatUint(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case "int":
		switch x := v.(type) {
		case int64:
			return x, nil
		case uint64:
			if x <= math.MaxInt64 {
				return int64(x), nil
			}
		case float64:
			if x > -9.223372036854775808e18 && x < 9.223372036854775807e18 {
				return int64(x), nil
			}
		case string:
			if i, err := strconv.ParseInt(x, 10, 64); err == nil {
				return i, nil
			}
		}
	case "uint":
		switch x := v.(type) {
		case uint64:
			return x, nil
		case int64:
			if x >= 0 {
				return uint64(x), nil
			}
		case float64:
			if x >= 0 && x < 1.8446744073709552e19 {
				return uint64(x), nil
			}
		case string:
			if u, err := strconv.ParseUint(x, 10, 64); err == nil {
				return u, nil
			}
		}
	case "double":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case uint64:
			return float64(x), nil
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, nil
			}
		}
	}
	return nil, fmt.Errorf("cannot convert %v to %s", valueType(v), to)
}
