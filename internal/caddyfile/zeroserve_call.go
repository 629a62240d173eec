package caddyfile

func init() {
	RegisterHandlerDirective("zeroserve_call", parseZeroserveCall)
}

// parseZeroserveCall parses zeroserve's own directive that calls a function
// of a loaded eBPF plugin:
//
//	zeroserve_call [<matcher>] <script> <function> {
//	    <key> <value>
//	    ...
//	}
//
// into {"handler":"zeroserve_call","script":...,"function":...,"config":{...}}.
// Config values are strings; a key given several times becomes an array of
// its values in order. Without a block (or with an empty one) there is no
// "config" key. A key needs exactly one value; nested blocks are an error.
func parseZeroserveCall(h Helper) (Obj, error) {
	h.Next() // directive name
	var script, function string
	if !h.Args(&script, &function) {
		return nil, h.Err("zeroserve_call needs <script> <function>")
	}
	if h.NextArg() {
		return nil, h.ArgErr()
	}
	if script == "" || function == "" {
		return nil, h.Err("zeroserve_call: script and function names must not be empty")
	}
	handler := Obj{"handler": "zeroserve_call", "script": script, "function": function}
	config := Obj{}
	for h.NextBlock(0) {
		if h.Val() == "{" {
			return nil, h.Err("zeroserve_call: nested blocks are not supported")
		}
		seg := h.NextSegment()
		for _, tok := range seg[1:] {
			if tok.Text == "{" && !tok.Quoted() {
				return nil, h.Err("zeroserve_call: nested blocks are not supported")
			}
		}
		key := seg[0].Text
		if len(seg) != 2 {
			return nil, h.Errf("zeroserve_call: config key %q takes exactly one value; repeat the key for a list", key)
		}
		val := seg[1].Text
		switch prev := config[key].(type) {
		case nil:
			config[key] = val
		case string:
			config[key] = []string{prev, val}
		case []string:
			config[key] = append(prev, val)
		}
	}
	if len(config) > 0 {
		handler["config"] = config
	}
	return handler, nil
}
