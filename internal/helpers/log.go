package helpers

import (
	"bytes"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// logLineMax is the longest line zs_log buffers before it flushes.
const logLineMax = 512

// zsLog is zs_log(msg, len) -> 0: append to the script's log line; each
// '\n', or 512 buffered bytes, emits a line through Exchange.Log. Bytes
// other than printable ASCII and tab become '?'.
func zsLog(c *vm.Context, msg, msgLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	b, err := guestBytes(c, msg, msgLen)
	if err != nil {
		return 0, err
	}
	for len(b) > 0 {
		line, rest, nl := bytes.Cut(b, []byte{'\n'})
		for _, ch := range line {
			if ch != '\t' && (ch < 0x20 || ch > 0x7e) {
				ch = '?'
			}
			k.logBuf = append(k.logBuf, ch)
			if len(k.logBuf) >= logLineMax {
				k.flushLog()
			}
		}
		if nl {
			k.flushLog()
		}
		b = rest
	}
	return 0, nil
}

// FlushLog emits a pending partial zs_log line; the chain calls it after a
// run ends.
func (k *Call) FlushLog() {
	if len(k.logBuf) > 0 {
		k.flushLog()
	}
}

func (k *Call) flushLog() {
	if k.Ex.Log != nil {
		k.Ex.Log(k.Script, string(k.logBuf))
	}
	k.logBuf = k.logBuf[:0]
}

// zsNowMs is zs_now_ms() -> milliseconds since the Unix epoch.
func zsNowMs(*vm.Context, uint64, uint64, uint64, uint64, uint64) (uint64, error) {
	return uint64(time.Now().UnixMilli()), nil
}
