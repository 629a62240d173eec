package helpers

import "github.com/zeroserve/zeroserve/internal/vm"

// Version is the server version zs_version reports. The CLI sets it to
// its own version at start; "devel" until then.
var Version = "devel"

func init() {
	table = append(table, struct {
		name string
		fn   vm.HelperFunc
	}{"zs_version", func(c *vm.Context, out, outLen, _, _, _ uint64) (uint64, error) {
		return writeString(c, out, outLen, Version)
	}})
}
