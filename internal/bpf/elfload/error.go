package elfload

import (
	"errors"
	"strconv"
	"strings"
)

// Error is a rejected ELF object: what is wrong (Err), and where — the
// section and the symbol involved, when there is one.
type Error struct {
	// Section is the ELF section name, or "" for the file header and
	// section table.
	Section string
	// Symbol is the symbol name, or "" when no symbol is involved.
	Symbol string
	// Err says what is wrong, with the offset or instruction index.
	Err error
}

// Error returns the message as a chain, e.g.
// `section "zeroserve.request": symbol "zs_log": relocation at insn 12: ...`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("elf")
	if e.Section != "" {
		b.WriteString(": section ")
		b.WriteString(strconv.Quote(e.Section))
	}
	if e.Symbol != "" {
		b.WriteString(": symbol ")
		b.WriteString(strconv.Quote(e.Symbol))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ErrUnsupported marks a well-formed object that uses something zeroserve
// does not support (maps, function pointers, helpers by number, compressed
// sections, …). It is wrapped inside an *Error with the details.
var ErrUnsupported = errors.New("not supported")
