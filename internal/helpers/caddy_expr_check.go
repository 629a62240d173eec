package helpers

import (
	"fmt"
	"regexp"
)

// The type checker of the expression matcher's CEL subset: as CEL's
// checker, it rejects at load time operands whose static types cannot
// meet (ph() values are dyn and checked when evaluated) and an
// expression that is not boolean.

// exprType is a static type.
type exprType uint8

const (
	tyDyn exprType = iota
	tyBool
	tyInt
	tyUint
	tyDouble
	tyString
	tyNull
	tyList
	tyMap
)

var exprTypeNames = [...]string{"dyn", "bool", "int", "uint", "double", "string", "null_type", "list", "map"}

func (t exprType) String() string { return exprTypeNames[t] }

// literalType is the type of a literal value.
func literalType(v any) exprType {
	switch v.(type) {
	case bool:
		return tyBool
	case int64:
		return tyInt
	case uint64:
		return tyUint
	case float64:
		return tyDouble
	case string:
		return tyString
	case []any:
		return tyList
	}
	return tyNull
}

// exprChecker checks a tree; name is the expression matcher's name (the
// default name of regexp captures).
type exprChecker struct {
	name string
}

func (c *exprChecker) errf(n *exprNode, format string, args ...any) error {
	return fmt.Errorf("at %d: %s", n.pos, fmt.Sprintf(format, args...))
}

// unsupported is the error for CEL outside the subset.
func (c *exprChecker) unsupported(n *exprNode, what string) error {
	return c.errf(n, "%s is not supported", what)
}

// check types n and its children.
func (c *exprChecker) check(n *exprNode) error {
	switch n.kind {
	case exprLit:
		n.typ = literalType(n.val)
	case exprIdent:
		if n.name == "req" {
			return c.unsupported(n, "the request variable outside ph(req, ...)")
		}
		return c.errf(n, "undeclared reference to %q", n.name)
	case exprList:
		constant := true
		for _, a := range n.args {
			if err := c.check(a); err != nil {
				return err
			}
			constant = constant && a.kind == exprLit
		}
		n.typ = tyList
		if constant {
			// A list of literals is one literal, built once.
			vals := make([]any, len(n.args))
			for i, a := range n.args {
				vals[i] = a.val
			}
			n.kind, n.val, n.args = exprLit, vals, nil
		}
	case exprMap:
		return c.unsupported(n, "a map literal outside a matcher's arguments")
	case exprUnary:
		return c.checkUnary(n)
	case exprBinary:
		return c.checkBinary(n)
	case exprCond:
		for _, a := range n.args {
			if err := c.check(a); err != nil {
				return err
			}
		}
		if !typeIs(n.args[0].typ, tyBool) {
			return c.errf(n, "condition of ?: is %v, not bool", n.args[0].typ)
		}
		t, ok := unify(n.args[1].typ, n.args[2].typ)
		if !ok {
			return c.errf(n, "branches of ?: are %v and %v", n.args[1].typ, n.args[2].typ)
		}
		n.typ = t
	case exprCall:
		if n.target != nil {
			return c.checkMethod(n)
		}
		return c.checkFunc(n)
	}
	return nil
}

// typeIs reports whether a value of static type t can be want.
func typeIs(t, want exprType) bool { return t == want || t == tyDyn }

// unify is the common type of two operands that must agree.
func unify(a, b exprType) (exprType, bool) {
	switch {
	case a == tyDyn:
		return b, true
	case b == tyDyn, a == b:
		return a, true
	}
	return 0, false
}

func (c *exprChecker) checkUnary(n *exprNode) error {
	a := n.args[0]
	if err := c.check(a); err != nil {
		return err
	}
	switch {
	case n.op == "!" && typeIs(a.typ, tyBool):
		n.typ = tyBool
	case n.op == "-" && (typeIs(a.typ, tyInt) || a.typ == tyDouble):
		n.typ = a.typ
	default:
		return c.errf(n, "no operator %s for %v", n.op, a.typ)
	}
	return nil
}

func (c *exprChecker) checkBinary(n *exprNode) error {
	for _, a := range n.args {
		if err := c.check(a); err != nil {
			return err
		}
	}
	l, r := n.args[0].typ, n.args[1].typ
	bad := func() error { return c.errf(n, "no operator %s for %v and %v", n.op, l, r) }
	switch n.op {
	case "&&", "||":
		if !typeIs(l, tyBool) || !typeIs(r, tyBool) {
			return bad()
		}
		n.typ = tyBool
	case "==", "!=":
		if _, ok := unify(l, r); !ok && l != tyNull && r != tyNull {
			return bad()
		}
		n.typ = tyBool
	case "<", "<=", ">", ">=":
		t, ok := unify(l, r)
		if !ok || t == tyNull || t == tyList || t == tyMap {
			return bad()
		}
		n.typ = tyBool
	case "in":
		if r != tyList && r != tyDyn {
			return bad()
		}
		n.typ = tyBool
	case "+", "-", "*", "/", "%":
		t, ok := unify(l, r)
		numeric := t == tyInt || t == tyUint || t == tyDouble || t == tyDyn
		switch {
		case !ok:
			return bad()
		case n.op == "+" && (numeric || t == tyString || t == tyList):
		case n.op == "%" && (t == tyInt || t == tyUint || t == tyDyn):
		case n.op != "+" && n.op != "%" && numeric:
		default:
			return bad()
		}
		n.typ = t
	}
	return nil
}

// checkMethod checks receiver.name(args): the string methods of CEL and
// its strings extension that the subset has.
func (c *exprChecker) checkMethod(n *exprNode) error {
	switch n.name {
	case "startsWith", "endsWith", "contains", "matches", "lowerAscii", "upperAscii", "trim", "size":
	default:
		return c.unsupported(n, fmt.Sprintf("method .%s()", n.name))
	}
	if err := c.check(n.target); err != nil {
		return err
	}
	for _, a := range n.args {
		if err := c.check(a); err != nil {
			return err
		}
	}
	recv := n.target.typ
	switch n.name {
	case "startsWith", "endsWith", "contains", "matches":
		if len(n.args) != 1 || !typeIs(recv, tyString) || !typeIs(n.args[0].typ, tyString) {
			return c.errf(n, "%s takes a string receiver and one string argument", n.name)
		}
		if n.name == "matches" {
			if err := c.checkPattern(n.args[0]); err != nil {
				return err
			}
		}
		n.typ = tyBool
	case "lowerAscii", "upperAscii", "trim":
		if len(n.args) != 0 || !typeIs(recv, tyString) {
			return c.errf(n, "%s takes a string receiver and no arguments", n.name)
		}
		n.typ = tyString
	case "size":
		if len(n.args) != 0 || !(typeIs(recv, tyString) || recv == tyList) {
			return c.errf(n, "size takes a string or list receiver")
		}
		n.typ = tyInt
	}
	return nil
}

// checkPattern compiles a literal regular expression now, so a bad one
// is a load-time error.
func (c *exprChecker) checkPattern(a *exprNode) error {
	if s, ok := a.val.(string); ok && a.kind == exprLit {
		if _, err := regexp.Compile(s); err != nil {
			return c.errf(a, "%v", err)
		}
	}
	return nil
}

// checkFunc checks a global call: ph(), a matcher macro, size() or a
// type conversion.
func (c *exprChecker) checkFunc(n *exprNode) error {
	if kind, ok := exprMacros[n.name]; ok {
		return c.checkMacro(n, kind)
	}
	if n.name == "ph" {
		if len(n.args) != 2 || n.args[0].kind != exprIdent || n.args[0].name != "req" {
			return c.errf(n, "ph takes (req, name)")
		}
		if _, ok := n.args[1].val.(string); !ok || n.args[1].kind != exprLit {
			return c.unsupported(n, "ph() with a computed placeholder name")
		}
		n.typ = tyDyn
		return nil
	}
	switch n.name {
	case "size", "matches", "int", "uint", "double", "string":
	default:
		return c.unsupported(n, fmt.Sprintf("function %s()", n.name))
	}
	for _, a := range n.args {
		if err := c.check(a); err != nil {
			return err
		}
	}
	switch n.name {
	case "size":
		if len(n.args) != 1 || !(typeIs(n.args[0].typ, tyString) || n.args[0].typ == tyList) {
			return c.errf(n, "size takes one string or list")
		}
		n.typ = tyInt
	case "matches":
		if len(n.args) != 2 || !typeIs(n.args[0].typ, tyString) || !typeIs(n.args[1].typ, tyString) {
			return c.errf(n, "matches takes two strings")
		}
		n.typ = tyBool
		return c.checkPattern(n.args[1])
	case "int", "uint", "double", "string":
		if len(n.args) != 1 || n.args[0].typ == tyList || n.args[0].typ == tyNull {
			return c.errf(n, "%s takes one scalar", n.name)
		}
		n.typ = map[string]exprType{"int": tyInt, "uint": tyUint, "double": tyDouble, "string": tyString}[n.name]
	}
	return nil
}
