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

// zsReqHeader is zs_req_header(name, name_len, out, out_len): the header's
// values (case-insensitive name, trimmed; repeated values joined with
// ", "), or "" when missing.
func zsReqHeader(c *vm.Context, name, nameLen, out, outLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	n, err := guestText(c, name, nameLen)
	if err != nil {
		return 0, err
	}
	v, _ := k.Ex.Req.Get(strings.TrimSpace(n))
	return writeString(c, out, outLen, v)
}

// zsReqQueryParam is zs_req_query_param(name, name_len, out, out_len): the
// first form-decoded value of the query parameter, or "".
func zsReqQueryParam(c *vm.Context, name, nameLen, out, outLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	n, err := guestText(c, name, nameLen)
	if err != nil {
		return 0, err
	}
	v, _ := k.Ex.Req.QueryParam(strings.TrimSpace(n))
	return writeString(c, out, outLen, v)
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
// invalid URI traps.
func zsReqSetURI(c *vm.Context, u, uLen, _, _, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	s, err := guestString(c, u, uLen)
	if err != nil {
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

// zsReqSetHeader is zs_req_set_header(name, len, val, len) -> 0: replaces
// the header's values; an empty value deletes it. Invalid names or values
// trap.
func zsReqSetHeader(c *vm.Context, name, nameLen, val, valLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	n, v, err := headerArgs(c, "zs_req_set_header", name, nameLen, val, valLen)
	if err != nil {
		return 0, err
	}
	if v == "" {
		k.Ex.Req.Delete(n)
	} else {
		k.Ex.Req.Set(n, v)
	}
	return 0, nil
}

// zsReqAppendHeader is zs_req_append_header(name, len, val, len) -> 0; Host
// is replaced rather than repeated.
func zsReqAppendHeader(c *vm.Context, name, nameLen, val, valLen, _ uint64) (uint64, error) {
	k, err := current(c)
	if err != nil {
		return 0, err
	}
	n, v, err := headerArgs(c, "zs_req_append_header", name, nameLen, val, valLen)
	if err != nil {
		return 0, err
	}
	k.Ex.Req.Add(n, v)
	return 0, nil
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
