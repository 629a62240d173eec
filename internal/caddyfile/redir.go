package caddyfile

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

func init() {
	RegisterHandlerDirective("redir", parseRedir)
}

// redirHTMLBody is the page Caddy's redir sends for the "html" code: a
// script redirect, with a meta refresh for clients without JavaScript.
const redirHTMLBody = `<!DOCTYPE html>
<html>
	<head>
		<title>Redirecting...</title>
		<script>window.location.replace("%s");</script>
		<meta http-equiv="refresh" content="0; URL='%s'">
	</head>
	<body>Redirecting to <a href="%s">%s</a>...</body>
</html>
`

// parseRedir parses the redir directive into a static_response handler, as
// Caddy's parseRedir:
//
//	redir [<matcher>] <to> [<code>]
//
// <code> is "permanent" (301), "temporary" (302, the default), "html" (200
// with an HTML page that redirects browsers), a placeholder, or a number in
// 300-399 or 401.
func parseRedir(h Helper) (Obj, error) {
	h.Next() // directive name
	if !h.NextArg() {
		return nil, h.ArgErr()
	}
	to := h.Val()
	var code string
	if h.NextArg() {
		code = h.Val()
	}
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	if h.NextBlock(0) {
		return nil, h.Err("redir takes no block")
	}
	handler := Obj{"handler": "static_response"}
	switch code {
	case "permanent":
		code = "301"
	case "temporary", "":
		code = "302"
	case "html":
		safe := html.EscapeString(to)
		handler["body"] = fmt.Sprintf(redirHTMLBody, safe, safe, safe, safe)
		handler["headers"] = map[string][]string{"Content-Type": {"text/html; charset=utf-8"}}
		code = "200"
	default:
		if strings.HasPrefix(code, "{") {
			break
		}
		n, err := strconv.Atoi(code)
		if err != nil {
			return nil, h.Errf("Not a supported redir code type or not valid integer: '%s'", code)
		}
		if n < 300 || (n > 399 && n != 401) {
			return nil, h.Errf("Redir code not in the 3xx range or 401: '%v'", n)
		}
	}
	if code != "200" {
		handler["headers"] = map[string][]string{"Location": {to}}
	}
	handler["status_code"] = weakString(code)
	return handler, nil
}
