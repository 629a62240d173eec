package helpers

import (
	"fmt"
	"strings"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// Request-reading helpers. Each takes (out, out_len) and follows the
// string-out rule.
//
//	zs_req_method(out, out_len), zs_req_path, zs_req_uri, zs_req_query,
//	zs_req_scheme, zs_req_peer
func reqString(get func(r *Request) string) vm.HelperFunc {
	return func(c *vm.Context, out, outLen, _, _, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		return writeString(c, out, outLen, get(&k.Ex.Req))
	}
}

// reqValue returns a helper that takes no arguments and returns a number.
func reqValue(get func(r *Request) uint64) vm.HelperFunc {
	return func(c *vm.Context, _, _, _, _, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		return get(&k.Ex.Req), nil
	}
}

// keyedString returns a helper (key, key_len, out, out_len) that writes
// lookup of the trimmed key by the string-out rule: zs_req_header (values
// of a header, case-insensitive, repeated values joined with ", "),
// zs_req_query_param (first form-decoded value) and zs_meta_get. A missing
// key gives "".
func keyedString(lookup func(ex *Exchange, key string) string) vm.HelperFunc {
	return func(c *vm.Context, key, keyLen, out, outLen, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		s, err := guestText(c, key, keyLen)
		if err != nil {
			return 0, err
		}
		return writeString(c, out, outLen, lookup(k.Ex, strings.TrimSpace(s)))
	}
}

// zsReqSetMethod is zs_req_set_method(m, len) -> 0; a value that is not an
// HTTP method token traps.
func zsReqSetMethod(c *vm.Context, m, mLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestString(c, m, mLen)
	if err != nil {
		return 0, err
	}
	s = strings.TrimSpace(s)
	if !isToken(s) {
		return 0, fmt.Errorf("zs_req_set_method: %q is not an HTTP method", s)
	}
	k.Ex.Req.Method = s
	return 0, nil
}

// zsReqSetURI is zs_req_set_uri(uri, len) -> 0: "path[?query]"; an empty or
// invalid URI traps. The URI counts against the memory budget.
func zsReqSetURI(c *vm.Context, u, uLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestString(c, u, uLen)
	if err != nil {
		return 0, err
	}
	if err := k.Ex.budget().Take(int64(len(s))); err != nil {
		return 0, err
	}
	if err := k.Ex.Req.SetURI(s); err != nil {
		return 0, fmt.Errorf("zs_req_set_uri: %w", err)
	}
	return 0, nil
}

// headerArgs reads and validates a (name, value) pair of a header helper.
func headerArgs(c *vm.Context, helper string, name, nameLen, val, valLen uint64) (string, string, error) {
	n, err := guestString(c, name, nameLen)
	if err != nil {
		return "", "", err
	}
	v, err := guestString(c, val, valLen)
	if err != nil {
		return "", "", err
	}
	n = strings.TrimSpace(n)
	if !isToken(n) {
		return "", "", fmt.Errorf("%s: invalid header name %q", helper, n)
	}
	if !validFieldValue(v) {
		return "", "", fmt.Errorf("%s: invalid value for header %q", helper, n)
	}
	return n, v, nil
}

// headerOp returns a helper (name, name_len, value, value_len) -> 0 that
// applies op to the request after checking the name and value (invalid
// ones trap) and charging them to the memory budget: zs_req_set_header (replace every value; an empty value
// deletes) and zs_req_append_header (add a value; Host is replaced).
func headerOp(helper string, op func(r *Request, name, value string)) vm.HelperFunc {
	return func(c *vm.Context, name, nameLen, val, valLen, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		n, v, err := headerArgs(c, helper, name, nameLen, val, valLen)
		if err != nil {
			return 0, err
		}
		if err := k.Ex.budget().Take(int64(len(n) + len(v))); err != nil {
			return 0, err
		}
		op(&k.Ex.Req, n, v)
		return 0, nil
	}
}

// zsReqDeleteHeader is zs_req_delete_header(pattern, len) -> 0: "Foo",
// "Foo*", "*Foo", "*Foo*" or "*".
func zsReqDeleteHeader(c *vm.Context, p, pLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestText(c, p, pLen)
	if err != nil {
		return 0, err
	}
	if s = strings.TrimSpace(s); s == "" {
		return 0, fmt.Errorf("zs_req_delete_header: empty pattern")
	}
	k.Ex.Req.Delete(s)
	return 0, nil
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0:
		default:
			return false
		}
	}
	return true
}

// validFieldValue reports whether s may be sent as a field value: no
// control characters other than HTAB, no DEL.
func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x20 && ch != '\t' || ch == 0x7f {
			return false
		}
	}
	return true
}
