package script

import (
	"regexp"
	"slices"
	"testing"

	"github.com/zeroserve/zeroserve/internal/helpers"
	"github.com/zeroserve/zeroserve/sdk"
)

// TestHeaderDeclaresOnlyImplementedHelpers: every helper sdk/zeroserve.h
// declares is registered, so a plugin that compiles against the header
// links.
func TestHeaderDeclaresOnlyImplementedHelpers(t *testing.T) {
	names := helpers.Names()
	decls := regexp.MustCompile(`(?m)^extern [^;(]*?\b(\w+)\(`).FindAllStringSubmatch(sdk.Header, -1)
	if len(decls) < 60 {
		t.Fatalf("found only %d extern declarations", len(decls))
	}
	for _, d := range decls {
		if !slices.Contains(names, d[1]) {
			t.Errorf("sdk/zeroserve.h declares %s, which is not registered", d[1])
		}
	}
}
