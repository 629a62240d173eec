package http1

// parseState is where a head parser is. Transitions:
//
//	stateStartLine -> stateFields     (start line parsed)
//	stateFields    -> stateDone       (empty line: the head is complete)
//	any            -> stateFailed     (an *Error, which then sticks)
//	any            -> stateStartLine  (Reset)
type parseState uint8

const (
	stateStartLine parseState = iota // skipping leading empty lines, then the start line
	stateFields                      // reading field lines
	stateDone                        // the head is complete
	stateFailed                      // an error was returned; it is returned again
)

var parseStateNames = [...]string{"stateStartLine", "stateFields", "stateDone", "stateFailed"}

// String returns the state's name.
func (s parseState) String() string {
	if int(s) < len(parseStateNames) {
		return parseStateNames[s]
	}
	return "parseState(invalid)"
}
