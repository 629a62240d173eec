package helpers

import (
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// zsEnvGet is zs_env_get(name, len, out, out_len) -> length by the
// string-out rule: the value of an environment variable listed in
// Config.EnvAllow (--script-env). The name is trimmed. A variable that is
// missing or not allowed reads as "", so a script cannot tell the two
// apart.
func zsEnvGet(c *vm.Context, name, nameLen, out, outLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, name, nameLen)
	if err != nil {
		return 0, err
	}
	return writeString(c, out, outLen, k.Ex.Config.env(strings.TrimSpace(s)))
}
