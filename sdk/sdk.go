// Package sdk holds the C plugin SDK, sdk/zeroserve.h, for the binary to
// print (zeroserve --dump-sdk) and to compile plugins against.
package sdk

import _ "embed"

// Header is the text of zeroserve.h.
//
//go:embed zeroserve.h
var Header string

// HeaderName is the file name plugins include.
const HeaderName = "zeroserve.h"
