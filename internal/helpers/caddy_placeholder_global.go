package helpers

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// globalPlaceholder answers the keys of Caddy's global replacement
// providers (caddy.globalDefaultReplacementProvider and the {file.*}
// provider): {env.*}, {system.*}, {time.now*} and {file.*}.
func globalPlaceholder(key string) (string, bool) {
	if name, ok := strings.CutPrefix(key, "env."); ok {
		return os.Getenv(name), true
	}
	if name, ok := strings.CutPrefix(key, "file."); ok {
		return fileContents(name), true
	}
	switch key {
	case "system.hostname":
		name, _ := os.Hostname()
		return name, true
	case "system.slash":
		return string(filepath.Separator), true
	case "system.os":
		return runtime.GOOS, true
	case "system.arch":
		return runtime.GOARCH, true
	case "system.wd":
		wd, _ := os.Getwd()
		return wd, true
	case "time.now":
		// Caddy's ToString of a time.Time is its String method.
		return time.Now().String(), true
	case "time.now.http":
		return time.Now().UTC().Format(http.TimeFormat), true
	case "time.now.rfc3339":
		return time.Now().Format(time.RFC3339), true
	case "time.now.common_log":
		return time.Now().Format("02/Jan/2006:15:04:05 -0700"), true
	case "time.now.year":
		return strconv.Itoa(time.Now().Year()), true
	case "time.now.unix":
		return strconv.FormatInt(time.Now().Unix(), 10), true
	case "time.now.unix_ms":
		return strconv.FormatInt(time.Now().UnixMilli(), 10), true
	}
	return "", false
}

// isGlobalPlaceholder reports whether globalPlaceholder answers key.
func isGlobalPlaceholder(key string) bool {
	switch {
	case strings.HasPrefix(key, "env."), strings.HasPrefix(key, "file."):
		return true
	case strings.HasPrefix(key, "system."), strings.HasPrefix(key, "time."):
		_, ok := globalPlaceholder(key)
		return ok
	}
	return false
}

// maxPlaceholderFile is the most of a file {file.*} reads (Caddy's 1 MiB).
const maxPlaceholderFile = 1 << 20

// placeholderFiles caches {file.*} contents by file name: a file is read
// the first time a request expands it and then kept for the life of the
// process (Caddy reads it on every expansion; reading on the event loop
// would block it).
var placeholderFiles sync.Map // string -> string

// fileContents is Caddy's {file.*}: the file's first MiB with one
// trailing "\n" and then one "\r" removed; empty when it cannot be read.
func fileContents(name string) string {
	if v, ok := placeholderFiles.Load(name); ok {
		return v.(string)
	}
	s := readPlaceholderFile(name)
	v, _ := placeholderFiles.LoadOrStore(name, s)
	return v.(string)
}

func readPlaceholderFile(name string) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPlaceholderFile))
	if err != nil {
		return ""
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	return string(b)
}
