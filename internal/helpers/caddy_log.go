package helpers

// LogSkip reports whether the request is to be left out of the access
// logs: Caddy's log_skip directive sets the variable "log_skip" to true
// (a vars handler).
func (ex *Exchange) LogSkip() bool {
	skip, _ := ex.caddy.vars["log_skip"].(bool)
	return skip
}
