package caddyfile

func init() {
	RegisterHandlerDirective("basic_auth", parseBasicAuth)
	RegisterHandlerDirective("basicauth", parseBasicAuth) // deprecated spelling
}

// basicAuthAccount is one user, as Caddy's caddyauth.Account: the
// password is a hash in the configured algorithm, base64-encoded or not.
type basicAuthAccount struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// parseBasicAuth parses basic_auth (and its deprecated spelling
// basicauth), as Caddy's caddyauth parseCaddyfile:
//
//	basic_auth [<matcher>] [<hash_algorithm> [<realm>]] {
//	    <username> <hashed_password>
//	    ...
//	}
//
// The hash algorithm is bcrypt (default) or argon2id.
func parseBasicAuth(h Helper) (Obj, error) {
	h.Next()
	hashName, realm := "bcrypt", ""
	switch args := h.RemainingArgs(); len(args) {
	case 0:
	case 1:
		hashName = args[0]
	case 2:
		hashName, realm = args[0], args[1]
	default:
		return nil, h.ArgErr()
	}
	if hashName != "bcrypt" && hashName != "argon2id" {
		return nil, h.Errf("unrecognized hash algorithm: %s", hashName)
	}
	var accounts []basicAuthAccount
	for h.NextBlock(0) {
		username := h.Val()
		var password string
		h.Args(&password)
		if h.NextArg() {
			return nil, h.ArgErr()
		}
		if username == "" || password == "" {
			return nil, h.Err("username and password cannot be empty or missing")
		}
		accounts = append(accounts, basicAuthAccount{Username: username, Password: password})
	}
	provider := Obj{"hash": Obj{"algorithm": hashName}, "hash_cache": Obj{}}
	if len(accounts) > 0 {
		provider["accounts"] = accounts
	}
	if realm != "" {
		provider["realm"] = realm
	}
	return Obj{"handler": "authentication", "providers": Obj{"http_basic": provider}}, nil
}
