package helpers

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

// The matcher macros of Caddy's expression matcher: path('/a', '/b'),
// header({'X': 'v'}), file({...}) and the others call the matcher of the
// same name. Their arguments are string constants, placeholders
// ({x}, i.e. ph(req, "x")) or concatenations of these; a macro whose
// arguments are all literals builds its matcher once, the others on
// every evaluation, as Caddy does.

// macroKind is the argument shape of a macro.
type macroKind uint8

const (
	macroStrings macroKind = iota // one or more strings
	macroString                   // exactly one string
	macroRegexp                   // [name,] [field,] pattern
	macroMap                      // one map of string to string or list
	macroFile                     // the file matcher's forms
)

// exprMacros are the macros by name.
var exprMacros = map[string]macroKind{
	"host": macroStrings, "path": macroStrings, "method": macroStrings,
	"remote_ip": macroStrings, "client_ip": macroStrings, "protocol": macroString,
	"path_regexp": macroRegexp, "header_regexp": macroRegexp, "vars_regexp": macroRegexp,
	"header": macroMap, "query": macroMap, "vars": macroMap, "file": macroFile,
}

// exprMacro is a checked macro call.
type exprMacro struct {
	fn       string
	exprName string
	set      *matchSet // built once when the arguments are constant
}

// checkStringExpr checks a string-valued macro argument.
func (c *exprChecker) checkStringExpr(n *exprNode) error {
	switch {
	case n.kind == exprLit:
		if _, ok := n.val.(string); ok {
			n.typ = tyString
			return nil
		}
	case n.kind == exprCall && n.target == nil && n.name == "ph":
		return c.checkFunc(n)
	case n.kind == exprBinary && n.op == "+":
		for _, a := range n.args {
			if err := c.checkStringExpr(a); err != nil {
				return err
			}
		}
		n.typ = tyString
		return nil
	}
	return c.errf(n, "matcher arguments must be string constants or placeholders")
}

// checkStringList checks a list literal of string expressions.
func (c *exprChecker) checkStringList(n *exprNode) error {
	if n.kind != exprList {
		return c.errf(n, "expected a list of strings")
	}
	for _, a := range n.args {
		if err := c.checkStringExpr(a); err != nil {
			return err
		}
	}
	n.typ = tyList
	return nil
}

// isPH reports whether n is a ph() call.
func isPH(n *exprNode) bool { return n.kind == exprCall && n.target == nil && n.name == "ph" }

func (c *exprChecker) checkMacro(n *exprNode, kind macroKind) error {
	args := n.args
	count := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			return c.errf(n, "%s takes %d to %d arguments, not %d", n.name, lo, hi, len(args))
		}
		return nil
	}
	var err error
	switch kind {
	case macroStrings:
		err = count(1, 1<<30)
	case macroString:
		err = count(1, 1)
	case macroRegexp:
		if n.name == "path_regexp" {
			err = count(1, 2)
		} else {
			err = count(2, 3)
		}
	case macroMap:
		if err = count(1, 1); err == nil {
			err = c.checkMapArg(args[0], nil)
		}
	case macroFile:
		err = c.checkFileArgs(n)
	}
	if err != nil {
		return err
	}
	if kind != macroMap && (kind != macroFile || len(args) != 1 || args[0].kind != exprMap) {
		for _, a := range args {
			if kind == macroFile && !(a.kind == exprLit || isPH(a)) {
				return c.errf(a, "file matcher arguments must be string literals or placeholders")
			}
			if err := c.checkStringExpr(a); err != nil {
				return err
			}
		}
	}
	n.typ = tyBool
	n.macro = &exprMacro{fn: n.name, exprName: c.name}
	if !hasPH(n) {
		in, err := macroArgs(n, nil)
		if err != nil {
			return c.errf(n, "%v", err)
		}
		if n.macro.set, err = n.macro.build(in); err != nil {
			return c.errf(n, "%s: %v", n.name, err)
		}
	}
	return nil
}

// checkMapArg checks a map literal of string keys to strings or lists of
// strings; allowed, when not nil, lists the keys and whether each takes
// a list.
func (c *exprChecker) checkMapArg(n *exprNode, allowed map[string]bool) error {
	if n.kind != exprMap {
		return c.errf(n, "matcher requires a map literal argument")
	}
	for i, k := range n.keys {
		if allowed != nil {
			key, ok := k.val.(string)
			isList, known := allowed[key]
			if !ok || k.kind != exprLit || !known {
				return c.errf(k, "file matcher map keys are root, try_files, try_policy and split_path")
			}
			if isList {
				if err := c.checkStringList(n.args[i]); err != nil {
					return err
				}
				continue
			}
			if err := c.checkStringExpr(n.args[i]); err != nil {
				return err
			}
			continue
		}
		if err := c.checkStringExpr(k); err != nil {
			return err
		}
		if v := n.args[i]; v.kind == exprList {
			if err := c.checkStringList(v); err != nil {
				return err
			}
		} else if err := c.checkStringExpr(v); err != nil {
			return err
		}
	}
	return nil
}

func (c *exprChecker) checkFileArgs(n *exprNode) error {
	if len(n.args) == 1 && n.args[0].kind == exprMap {
		return c.checkMapArg(n.args[0], map[string]bool{"root": false, "try_files": true, "try_policy": false, "split_path": true})
	}
	return nil
}

// hasPH reports whether n has a ph() call in it.
func hasPH(n *exprNode) bool {
	if isPH(n) {
		return true
	}
	for _, list := range [][]*exprNode{n.args, n.keys} {
		for _, a := range list {
			if hasPH(a) {
				return true
			}
		}
	}
	return false
}

// macroInput is a macro's evaluated arguments: strings, or a map.
type macroInput struct {
	strs []string
	m    map[string][]string
}

// macroArgs evaluates a macro's arguments (ev nil for constants).
func macroArgs(n *exprNode, ev *exprEval) (macroInput, error) {
	str := func(a *exprNode) (string, error) {
		v, err := ev.eval(a)
		if err != nil {
			return "", err
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s: argument is %v, not a string", n.name, valueType(v))
		}
		return s, nil
	}
	var in macroInput
	if len(n.args) == 1 && n.args[0].kind == exprMap {
		mp := n.args[0]
		in.m = map[string][]string{}
		for i, k := range mp.keys {
			key, err := str(k)
			if err != nil {
				return in, err
			}
			vals := []*exprNode{mp.args[i]}
			if mp.args[i].kind == exprList {
				vals = mp.args[i].args
			}
			list := []string{}
			for _, v := range vals {
				s, err := str(v)
				if err != nil {
					return in, err
				}
				list = append(list, s)
			}
			in.m[key] = list
		}
		return in, nil
	}
	for _, a := range n.args {
		s, err := str(a)
		if err != nil {
			return in, err
		}
		in.strs = append(in.strs, s)
	}
	return in, nil
}

// build makes the macro's matcher from its arguments, as the matcher's
// CEL library does.
func (m *exprMacro) build(in macroInput) (*matchSet, error) {
	var raw wireMatchSet
	s := in.strs
	named := func(n int) (name string, rest []string) {
		if len(s) == n && s[0] != "" {
			return s[0], s[1:]
		}
		if len(s) == n {
			return m.exprName, s[1:]
		}
		return m.exprName, s
	}
	switch m.fn {
	case "host":
		raw.Host = s
	case "path":
		raw.Path = s
	case "method":
		raw.Method = s
	case "remote_ip":
		raw.RemoteIP = &caddyconf.MatchIP{Ranges: s}
	case "client_ip":
		raw.ClientIP = &caddyconf.MatchIP{Ranges: s}
	case "protocol":
		raw.Protocol = strings.ToLower(s[0])
	case "path_regexp":
		name, rest := named(2)
		raw.PathRegexp = &caddyconf.MatchRegexp{Name: name, Pattern: rest[0]}
	case "header_regexp":
		name, rest := named(3)
		raw.HeaderRegexp = map[string]*caddyconf.MatchRegexp{rest[0]: {Name: name, Pattern: rest[1]}}
	case "vars_regexp":
		name, rest := named(3)
		raw.VarsRegexp = map[string]*caddyconf.MatchRegexp{rest[0]: {Name: name, Pattern: rest[1]}}
	case "header":
		raw.Header = in.m
	case "query":
		raw.Query = in.m
	case "vars":
		raw.Vars = in.m
	case "file":
		f := &caddyconf.MatchFile{TryFiles: s}
		if in.m != nil {
			f.TryFiles = in.m["try_files"]
			f.SplitPath = in.m["split_path"]
			if v := in.m["root"]; len(v) > 0 {
				f.Root = v[0]
			}
			if v := in.m["try_policy"]; len(v) > 0 {
				f.TryPolicy = v[0]
			}
		}
		raw.File = f
	}
	return newMatchSet(&raw)
}
