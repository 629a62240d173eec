package compile

// Error is a compile error at a JSON path of the Caddy config, such as
// "apps.http.servers.srv0.routes[2].handle[0]: placeholder {time.now} is
// not supported". Unsupported modules are *caddyconf.UnsupportedError
// values instead.
type Error struct {
	// Path locates the offending value.
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error returns "path: msg".
func (e *Error) Error() string {
	if e.Path == "" {
		return "compile: " + e.Msg
	}
	return "compile: " + e.Path + ": " + e.Msg
}
