package caddyfile

import "slices"

// defaultDirectiveOrder is the order in which handler directives of one
// block are evaluated: Caddy v2.11.9's defaultDirectiveOrder, with
// zeroserve_call inserted right before reverse_proxy. Directives not in this
// list produce no routes of their own (bind, tls, log) or must appear in a
// route block, or be ordered with the "order" global option.
var defaultDirectiveOrder = []string{
	"tracing",

	"map",
	"vars",
	"fs",
	"root",
	"log_append",
	"skip_log",
	"log_skip",
	"log_name",
	"log_level",

	"header",
	"copy_response_headers",
	"request_body",
	"timeouts",

	"redir",

	"method",
	"rewrite",
	"uri",
	"try_files",

	"basicauth",
	"basic_auth",
	"forward_auth",
	"request_header",
	"encode",
	"push",
	"intercept",
	"templates",

	"invoke",
	"handle",
	"handle_path",
	"route",

	"abort",
	"error",
	"copy_response",
	"respond",
	"metrics",
	"zeroserve_call",
	"reverse_proxy",
	"php_fastcgi",
	"file_server",
	"acme_server",
}

// directiveOrderFor returns the directive order of one adaptation: the one
// built by "order" global options if any, else the default.
func directiveOrderFor(options map[string]any) []string {
	if order, ok := options["order"].([]string); ok {
		return order
	}
	return defaultDirectiveOrder
}

// applyOrderOption moves or inserts dir in order at position ("first",
// "last", "before OTHER", "after OTHER") and returns the new order, as the
// "order" global option does. The input slice is not modified.
func applyOrderOption(order []string, dir, position, other string) []string {
	newOrder := slices.Clone(order)
	if i := slices.Index(newOrder, dir); i >= 0 {
		newOrder = slices.Delete(newOrder, i, i+1)
	}
	switch position {
	case "first":
		return slices.Insert(newOrder, 0, dir)
	case "last":
		return append(newOrder, dir)
	}
	i := slices.Index(newOrder, other)
	if i < 0 {
		return newOrder
	}
	if position == "after" {
		i++
	}
	return slices.Insert(newOrder, i, dir)
}
