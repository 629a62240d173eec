package caddyfile

func init() {
	RegisterDirective("bind", parseBind)
}

// parseBind parses "bind <addresses...> { protocols <protocols...> }": the
// interfaces (and protocols) the site's listeners use.
func parseBind(h Helper) ([]ConfigValue, error) {
	h.Next()
	b, err := parseBindArgs(h.Dispenser)
	if err != nil {
		return nil, err
	}
	return []ConfigValue{{Class: "bind", Value: b}}, nil
}
