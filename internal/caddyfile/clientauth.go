package caddyfile

import (
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// parseClientAuth parses the client_auth block of the tls directive into
// caddytls.ClientAuthentication's JSON:
//
//	client_auth {
//		mode                   request|require|verify_if_given|require_and_verify
//		trust_pool             <source> [...]
//		trusted_ca_cert        <base64_der>
//		trusted_ca_cert_file   <pem_file>
//		trusted_leaf_cert      <base64_der>
//		trusted_leaf_cert_file <pem_file>
//		verifier leaf          <loader> [...] | { <loader> [...] ... }
//	}
//
// The *_file forms read the PEM files now, as Caddy's adapter does.
func parseClientAuth(d *caddyfile.Dispenser) (Obj, error) {
	ca := Obj{}
	var trustedCAs, leafCerts []string
	var verifiers []Obj
	for d.NextArg() {
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch sub := d.Val(); sub {
		case "mode":
			if d.CountRemainingArgs() != 1 {
				return nil, d.ArgErr()
			}
			d.NextArg()
			ca["mode"] = d.Val()
		case "trusted_ca_cert", "trusted_ca_cert_file":
			if ca["ca"] != nil {
				return nil, d.Err("cannot specify both 'trust_pool' and 'trusted_ca_cert' or 'trusted_ca_cert_file'")
			}
			ders, err := certArg(d, sub == "trusted_ca_cert_file")
			if err != nil {
				return nil, err
			}
			trustedCAs = append(trustedCAs, ders...)
		case "trusted_leaf_cert", "trusted_leaf_cert_file":
			ders, err := certArg(d, sub == "trusted_leaf_cert_file")
			if err != nil {
				return nil, err
			}
			leafCerts = append(leafCerts, ders...)
		case "trust_pool":
			if len(trustedCAs) != 0 {
				return nil, d.Err("cannot specify both 'trust_pool' and 'trusted_ca_cert' or 'trusted_ca_cert_file'")
			}
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			pool, err := parseCAPool(moduleDispenser(d))
			if err != nil {
				return nil, err
			}
			ca["ca"] = pool
		case "verifier":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			if d.Val() != "leaf" {
				return nil, unsupported(d, "client_auth verifier")
			}
			v, err := parseLeafVerifier(moduleDispenser(d))
			if err != nil {
				return nil, err
			}
			verifiers = append(verifiers, v)
		default:
			return nil, unsupported(d, "client_auth option")
		}
	}
	if len(trustedCAs) > 0 {
		ca["ca"] = Obj{"provider": "inline", "trusted_ca_certs": trustedCAs}
	}
	if len(leafCerts) > 0 {
		ca["trusted_leaf_certs"] = leafCerts
	}
	if len(verifiers) > 0 {
		ca["verifiers"] = verifiers
	}
	return ca, nil
}

// certArg returns the certificate argument: base64 DER as given, or the
// certificates of a PEM file as base64 DER.
func certArg(d *caddyfile.Dispenser, file bool) ([]string, error) {
	if !d.NextArg() {
		return nil, d.ArgErr()
	}
	if !file {
		return []string{d.Val()}, nil
	}
	data, err := os.ReadFile(d.Val())
	if err != nil {
		return nil, d.WrapErr(err)
	}
	var ders []string
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			return nil, d.WrapErr(fmt.Errorf("no CERTIFICATE pem block found in %s", d.Val()))
		}
		ders = append(ders, base64.StdEncoding.EncodeToString(block.Bytes))
	}
	if len(ders) == 0 {
		return nil, d.WrapErr(fmt.Errorf("no CERTIFICATE pem block found in %s", d.Val()))
	}
	return ders, nil
}

// parseCAPool parses a CA pool source (the dispenser on its name): inline,
// file, pki_root, pki_intermediate, system or combined.
func parseCAPool(d *caddyfile.Dispenser) (Obj, error) {
	name := d.Val()
	pool := Obj{"provider": name}
	var list []string
	key := map[string]string{"inline": "trusted_ca_certs", "file": "pem_files",
		"pki_root": "authority", "pki_intermediate": "authority"}[name]
	switch name {
	case "inline", "system", "combined":
		if d.CountRemainingArgs() > 0 {
			return nil, d.ArgErr()
		}
	case "file", "pki_root", "pki_intermediate":
		list = append(list, d.RemainingArgs()...)
	default:
		return nil, unsupported(d, "trust_pool source")
	}
	var sources []Obj
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		sub := d.Val()
		switch {
		case name == "inline" && sub == "trust_der",
			name == "file" && sub == "pem_file",
			(name == "pki_root" || name == "pki_intermediate") && sub == "authority":
			list = append(list, d.RemainingArgs()...)
		case name == "combined" && sub == "source":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			src, err := parseCAPool(moduleDispenser(d))
			if err != nil {
				return nil, err
			}
			sources = append(sources, src)
		case name == "system":
			return nil, d.Err("system trust pool does not support any configuration")
		default:
			return nil, d.Errf("unrecognized directive: %s", sub)
		}
	}
	switch {
	case name == "combined":
		if len(sources) == 0 {
			return nil, d.Err("no sources specified")
		}
		pool["sources"] = sources
	case key != "":
		if len(list) == 0 {
			return nil, d.Errf("no %s specified", map[bool]string{true: "authorities", false: "certificates"}[key == "authority"])
		}
		pool[key] = list
	}
	return pool, nil
}

// parseLeafVerifier parses "verifier leaf <loader> <args...>" or "verifier
// leaf { <loader> <args...> ... }" with the loaders file and folder.
func parseLeafVerifier(d *caddyfile.Dispenser) (Obj, error) {
	var loaders []Obj
	loader := func() error {
		name := d.Val()
		ld := moduleDispenser(d)
		key := map[string]string{"file": "files", "folder": "folders"}[name]
		if key == "" {
			return unsupported(ld, "leaf certificate loader")
		}
		l := Obj{"loader": name}
		if args := ld.RemainingArgs(); len(args) > 0 {
			l[key] = args
		}
		loaders = append(loaders, l)
		return nil
	}
	if d.CountRemainingArgs() > 1 {
		d.NextArg()
		if err := loader(); err != nil {
			return nil, err
		}
	} else {
		for nesting := d.Nesting(); d.NextBlock(nesting); {
			if err := loader(); err != nil {
				return nil, err
			}
		}
	}
	v := Obj{"verifier": "leaf"}
	if len(loaders) > 0 {
		v["leaf_certs_loaders"] = loaders
	}
	return v, nil
}
