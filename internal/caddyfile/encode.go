package caddyfile

import (
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func init() {
	RegisterHandlerDirective("encode", parseEncode)
}

// zstdLevels are the zstd encoder levels Caddy accepts (case-insensitive),
// as klauspost/compress's zstd.EncoderLevelFromString.
var zstdLevels = []string{"fastest", "default", "better", "best"}

// parseEncode parses the encode directive, as Caddy's
// Encode.UnmarshalCaddyfile with its gzip and zstd encoders:
//
//	encode [<matcher>] [<formats...>] {
//	    gzip [<level>]
//	    zstd [<level>] {
//	        level <fastest|default|better|best>
//	        disable_checksum
//	    }
//	    minimum_length <length>
//	    match {
//	        status <code...>
//	        header <field> [<value>]
//	    }
//	}
//
// Without formats it uses zstd and gzip. Other encoders (br is not built
// into Caddy) are errors.
func parseEncode(h Helper) (Obj, error) {
	d := h.Dispenser
	d.Next()
	enc := Obj{"handler": "encode"}
	encodings := Obj{}
	prefer := []string{}
	args := d.RemainingArgs()
	matchers := map[string]Obj{}
	for d.NextBlock(0) {
		switch name := d.Val(); name {
		case "minimum_length":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			n, err := strconv.Atoi(d.Val())
			if err != nil {
				return nil, d.Errf("minimum_length: %v", err)
			}
			if n != 0 {
				enc["minimum_length"] = n
			}
		case "match":
			if err := parseNamedResponseMatcher(d.NewFromNextSegment(), matchers); err != nil {
				return nil, err
			}
			enc["match"] = matchers["match"]
		default:
			cfg, err := parseEncoder(d)
			if err != nil {
				return nil, err
			}
			encodings[name] = cfg
			prefer = append(prefer, name)
		}
	}
	if len(prefer) == 0 && len(args) == 0 {
		args = []string{"zstd", "gzip"}
	}
	for _, name := range args {
		if name != "gzip" && name != "zstd" {
			return nil, d.Errf("finding encoder module '%s': unknown encoder (zeroserve has gzip and zstd)", name)
		}
		encodings[name] = Obj{}
		prefer = append(prefer, name)
	}
	if len(encodings) > 0 {
		enc["encodings"] = encodings
	}
	if len(prefer) > 0 {
		enc["prefer"] = prefer
	}
	return enc, nil
}

// parseEncoder parses one encoder line of the encode block (d on the
// encoder name) and consumes its segment: "gzip [<level>]" or
// "zstd [<level>] { level <level>; disable_checksum }".
func parseEncoder(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	d = d.NewFromNextSegment()
	d.Next()
	cfg := Obj{}
	switch name {
	case "gzip":
		if d.NextArg() {
			level, err := strconv.Atoi(d.Val())
			if err != nil {
				return nil, d.Errf("gzip level: %v", err)
			}
			if level != 0 {
				cfg["level"] = level
			}
		}
		if d.NextArg() {
			return nil, d.ArgErr()
		}
		if d.NextBlock(0) {
			return nil, d.Errf("gzip takes no block")
		}
	case "zstd":
		args := d.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			if err := setZstdLevel(d, cfg, args[0]); err != nil {
				return nil, err
			}
		default:
			return nil, d.ArgErr()
		}
		for nesting := d.Nesting(); d.NextBlock(nesting); {
			switch d.Val() {
			case "level":
				args := d.RemainingArgs()
				if len(args) != 1 {
					return nil, d.ArgErr()
				}
				if _, ok := cfg["level"]; ok {
					return nil, d.Err("compression level already specified")
				}
				if err := setZstdLevel(d, cfg, args[0]); err != nil {
					return nil, err
				}
			case "disable_checksum":
				if d.NextArg() {
					return nil, d.ArgErr()
				}
				if _, ok := cfg["checksum"]; ok {
					return nil, d.Err("checksum already specified")
				}
				cfg["checksum"] = false
			default:
				return nil, d.Errf("unknown subdirective '%s'", d.Val())
			}
		}
	default:
		return nil, d.Errf("getting module named 'http.encoders.%s': unknown encoder (zeroserve has gzip and zstd)", name)
	}
	return cfg, nil
}

// setZstdLevel validates a zstd level and stores it as written.
func setZstdLevel(d *caddyfile.Dispenser, cfg Obj, level string) error {
	for _, l := range zstdLevels {
		if strings.EqualFold(level, l) {
			cfg["level"] = level
			return nil
		}
	}
	return d.Errf("unexpected compression level, use one of 'fastest', 'better', 'best', 'default'")
}
