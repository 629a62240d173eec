package helpers

import (
	"fmt"
)

// The parser of the expression matcher's CEL subset, by precedence:
//
//	expr    = or ["?" or ":" expr]
//	or      = and {"||" and}
//	and     = rel {"&&" rel}
//	rel     = add {("<"|"<="|">"|">="|"=="|"!="|"in") add}
//	add     = mul {("+"|"-") mul}
//	mul     = unary {("*"|"/"|"%") unary}
//	unary   = {"!"|"-"} member
//	member  = primary {"." IDENT "(" [args] ")"}
//	primary = IDENT "(" [args] ")" | IDENT | "(" expr ")"
//	        | "[" [args] "]" | "{" [entry {"," entry}] "}" | literal
//
// CEL's field selection, indexing, message construction and
// comprehensions are outside the subset: the parser names them.

// exprKind is the kind of an expression node.
type exprKind uint8

const (
	exprLit    exprKind = iota // val
	exprIdent                  // name
	exprList                   // args
	exprMap                    // keys, args (values)
	exprCall                   // name(args), or target.name(args)
	exprUnary                  // op args[0]
	exprBinary                 // args[0] op args[1]
	exprCond                   // args[0] ? args[1] : args[2]
)

// exprNode is a node of a parsed expression.
type exprNode struct {
	kind   exprKind
	pos    int
	op     string // unary or binary operator
	name   string // identifier or function
	val    any    // literal: bool, int64, uint64, float64, string, nil
	target *exprNode
	args   []*exprNode
	keys   []*exprNode

	typ   exprType   // set by the checker
	macro *exprMacro // a matcher macro call, set by the checker
}

// exprParser is a recursive-descent parser over the tokens.
type exprParser struct {
	toks  []exprToken
	i     int
	depth int
}

// maxExprDepth bounds nesting (the parser and evaluator recurse).
const maxExprDepth = 100

// parseExpr parses src into a tree.
func parseExpr(src string) (*exprNode, error) {
	toks, err := lexExpr(src)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.errAt(t, "unexpected %s", t.describe())
	}
	return n, nil
}

func (t exprToken) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokOp, tokIdent:
		return fmt.Sprintf("%q", t.text)
	}
	return "literal"
}

func (p *exprParser) peek() exprToken { return p.toks[p.i] }

func (p *exprParser) next() exprToken {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *exprParser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == op
}

func (p *exprParser) accept(op string) bool {
	if p.isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *exprParser) expect(op string) error {
	if !p.accept(op) {
		t := p.peek()
		return p.errAt(t, "expected %q, found %s", op, t.describe())
	}
	return nil
}

func (p *exprParser) errAt(t exprToken, format string, args ...any) error {
	return fmt.Errorf("at %d: %s", t.pos, fmt.Sprintf(format, args...))
}

func (p *exprParser) expr() (*exprNode, error) {
	if p.depth++; p.depth > maxExprDepth {
		return nil, p.errAt(p.peek(), "expression nests deeper than %d", maxExprDepth)
	}
	defer func() { p.depth-- }()
	pos := p.peek().pos
	cond, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if !p.accept("?") {
		return cond, nil
	}
	yes, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	no, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &exprNode{kind: exprCond, pos: pos, args: []*exprNode{cond, yes, no}}, nil
}

// binaryLevels are the binary operators by precedence, lowest first.
var binaryLevels = [][]string{{"||"}, {"&&"}, {"<", "<=", ">", ">=", "==", "!=", "in"}, {"+", "-"}, {"*", "/", "%"}}

// binary parses the operators of binaryLevels[level] and above (left
// associative).
func (p *exprParser) binary(level int) (*exprNode, error) {
	if level == len(binaryLevels) {
		return p.unary()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		op := ""
		for _, o := range binaryLevels[level] {
			if (t.kind == tokOp || t.kind == tokIdent) && t.text == o {
				op = o
			}
		}
		if op == "" {
			return left, nil
		}
		p.next()
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = &exprNode{kind: exprBinary, pos: t.pos, op: op, args: []*exprNode{left, right}}
	}
}

func (p *exprParser) unary() (*exprNode, error) {
	t := p.peek()
	if p.accept("!") || p.accept("-") {
		if p.depth++; p.depth > maxExprDepth {
			return nil, p.errAt(t, "expression nests deeper than %d", maxExprDepth)
		}
		defer func() { p.depth-- }()
		arg, err := p.unary()
		if err != nil {
			return nil, err
		}
		// A negated number literal is one literal.
		if t.text == "-" && arg.kind == exprLit {
			switch v := arg.val.(type) {
			case int64:
				return &exprNode{kind: exprLit, pos: t.pos, val: -v}, nil
			case float64:
				return &exprNode{kind: exprLit, pos: t.pos, val: -v}, nil
			}
		}
		return &exprNode{kind: exprUnary, pos: t.pos, op: t.text, args: []*exprNode{arg}}, nil
	}
	return p.member()
}

func (p *exprParser) member() (*exprNode, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case p.accept("."):
			id := p.next()
			if id.kind != tokIdent {
				return nil, p.errAt(id, "expected a name after '.', found %s", id.describe())
			}
			if !p.accept("(") {
				return nil, p.errAt(id, "field selection .%s is not supported", id.text)
			}
			args, err := p.list(")")
			if err != nil {
				return nil, err
			}
			n = &exprNode{kind: exprCall, pos: id.pos, name: id.text, target: n, args: args}
		case p.isOp("["):
			return nil, p.errAt(t, "indexing with [] is not supported")
		default:
			return n, nil
		}
	}
}

// list parses comma-separated expressions up to the closing token.
func (p *exprParser) list(end string) ([]*exprNode, error) {
	var out []*exprNode
	if p.accept(end) {
		return out, nil
	}
	for {
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if p.accept(end) {
			return out, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		if p.accept(end) { // trailing comma
			return out, nil
		}
	}
}

func (p *exprParser) primary() (*exprNode, error) {
	t := p.next()
	switch t.kind {
	case tokInt, tokUint, tokDouble, tokString:
		return &exprNode{kind: exprLit, pos: t.pos, val: t.val}, nil
	case tokBytes:
		return nil, p.errAt(t, "bytes literals are not supported")
	case tokIdent:
		switch t.text {
		case "true", "false":
			return &exprNode{kind: exprLit, pos: t.pos, val: t.text == "true"}, nil
		case "null":
			return &exprNode{kind: exprLit, pos: t.pos}, nil
		}
		if p.accept("(") {
			args, err := p.list(")")
			if err != nil {
				return nil, err
			}
			return &exprNode{kind: exprCall, pos: t.pos, name: t.text, args: args}, nil
		}
		if p.isOp("{") {
			return nil, p.errAt(t, "message construction %s{...} is not supported", t.text)
		}
		return &exprNode{kind: exprIdent, pos: t.pos, name: t.text}, nil
	case tokOp:
		switch t.text {
		case "(":
			n, err := p.expr()
			if err != nil {
				return nil, err
			}
			return n, p.expect(")")
		case "[":
			args, err := p.list("]")
			if err != nil {
				return nil, err
			}
			return &exprNode{kind: exprList, pos: t.pos, args: args}, nil
		case "{":
			return p.mapLit(t)
		case ".":
			return nil, p.errAt(t, "qualified names are not supported")
		}
	}
	return nil, p.errAt(t, "unexpected %s", t.describe())
}

func (p *exprParser) mapLit(open exprToken) (*exprNode, error) {
	n := &exprNode{kind: exprMap, pos: open.pos}
	if p.accept("}") {
		return n, nil
	}
	for {
		k, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		v, err := p.expr()
		if err != nil {
			return nil, err
		}
		n.keys, n.args = append(n.keys, k), append(n.args, v)
		if p.accept("}") {
			return n, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		if p.accept("}") {
			return n, nil
		}
	}
}
