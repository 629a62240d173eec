package caddyfile

import "strings"

func init() {
	RegisterDirective("try_files", parseTryFiles)
}

// tryPolicies are the try policies of Caddy's file matcher.
var tryPolicies = map[string]bool{
	"first_exist":            true,
	"first_exist_fallback":   true,
	"largest_size":           true,
	"smallest_size":          true,
	"most_recently_modified": true,
}

// parseTryFiles parses the try_files directive, as Caddy's
// fileserver.parseTryFiles (it takes no matcher token):
//
//	try_files <files...> {
//	    policy first_exist|first_exist_fallback|smallest_size|largest_size|most_recently_modified
//	}
//
// It is shorthand for a file matcher and a rewrite to
// {http.matchers.file.relative}. A file with a query string ("index.php?{query}")
// gets its own route whose rewrite appends that query; consecutive files
// without one share a route; several routes are grouped so only the first
// match rewrites.
func parseTryFiles(h Helper) ([]ConfigValue, error) {
	if !h.Next() {
		return nil, h.ArgErr()
	}
	files := h.RemainingArgs()
	if len(files) == 0 {
		return nil, h.ArgErr()
	}
	var policy string
	for h.NextBlock(0) {
		if h.Val() != "policy" {
			return nil, h.Errf("unrecognized try_files subdirective '%s'", h.Val())
		}
		if policy != "" {
			return nil, h.Err("try policy already configured")
		}
		if !h.NextArg() {
			return nil, h.ArgErr()
		}
		policy = h.Val()
		if !tryPolicies[policy] {
			return nil, h.Errf("unrecognized try policy: %s", policy)
		}
		if h.NextArg() {
			return nil, h.ArgErr()
		}
	}

	route := func(try []string, query string) []ConfigValue {
		file := Obj{"try_files": try}
		if policy != "" {
			file["try_policy"] = policy
		}
		rewrite := Obj{"handler": "rewrite", "uri": "{http.matchers.file.relative}" + query}
		return h.NewRoute(Obj{"file": file}, rewrite)
	}
	var vals []ConfigValue
	var try []string
	for _, f := range files {
		if i := strings.IndexByte(f, '?'); i >= 0 {
			if len(try) > 0 {
				vals = append(vals, route(try, "")...)
				try = nil
			}
			vals = append(vals, route([]string{f[:i]}, f[i:])...)
			continue
		}
		try = append(try, f)
	}
	if len(try) > 0 {
		vals = append(vals, route(try, "")...)
	}
	h.GroupRoutes(vals)
	return vals, nil
}
