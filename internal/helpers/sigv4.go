package helpers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zeroserve/zeroserve/internal/vm"
)

// AWS Signature Version 4 (SigV4) signing for scripts that sign upstream
// requests (S3 and other AWS-compatible APIs).
//
// Canonicalisation follows the AWS rules: the path and query are decoded
// and re-encoded (RFC 3986 unreserved characters kept, everything else
// %XX in upper case, '+' in the query is a space), query parameters are
// sorted by encoded name then encoded value and always written as
// name=value, header names are lower-cased and sorted, values trimmed with
// inner runs of spaces collapsed, repeated names joined with ','. For the
// service "s3" the path is encoded once; for other services twice (as
// AWS requires).

// SigV4ParamsSize is the size of the params struct of the zs_aws_v4_*
// helpers: 18 little-endian u64 fields.
const SigV4ParamsSize = 144

// SigV4 limits: longer inputs make the helpers return -1.
const (
	sigv4MaxKey      = 256  // access key, secret key
	sigv4MaxName     = 64   // region, service, method
	sigv4MaxURI      = 8192 // path and query (an S3 key is up to 1024 bytes, 3072 percent-encoded)
	sigv4MaxBodyHash = 128
	sigv4MaxExpires  = 7 * 24 * 3600 // seconds, as AWS allows
)

// sigv4UnsignedPayload is the body hash when none is given.
const sigv4UnsignedPayload = "UNSIGNED-PAYLOAD"

// errSigV4Limit and errSigV4Build are the helpers' -1 and -2 results.
var (
	errSigV4Limit = errors.New("sigv4: missing or over-long parameter")
	errSigV4Build = errors.New("sigv4: cannot canonicalise the request")
)

// sigV4Request is one decoded params struct.
type sigV4Request struct {
	accessKey, secretKey, region, service, method string
	path                                          string // decoded
	query                                         url.Values
	headers                                       map[string][]string // lower-case names
	bodyHash                                      string
	t                                             time.Time
	out, outLen                                   uint64
}

// readSigV4 reads and checks the params struct at p; its errors are
// traps, errSigV4Limit or errSigV4Build.
func readSigV4(c *vm.Context, k *Call, p, n uint64) (*sigV4Request, error) {
	if n != SigV4ParamsSize || p%8 != 0 {
		return nil, fmt.Errorf("sigv4: params of %d bytes at %#x, want %d bytes aligned to 8", n, p, SigV4ParamsSize)
	}
	b, err := c.Read(p, n)
	if err != nil {
		return nil, err
	}
	var f [18]uint64
	for i := range f {
		f[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	var strs [7]string
	for i, limit := range [7]uint64{sigv4MaxKey, sigv4MaxKey, sigv4MaxName, sigv4MaxName, sigv4MaxName, sigv4MaxURI, sigv4MaxBodyHash} {
		ptr, size := f[2*i], f[2*i+1]
		if i == 6 {
			ptr, size = f[13], f[14]
		}
		if size > limit || size == 0 && i < 6 {
			return nil, errSigV4Limit
		}
		if strs[i], err = guestString(c, ptr, size); err != nil {
			return nil, err
		}
	}
	r := &sigV4Request{
		accessKey: strs[0], secretKey: strs[1], region: strs[2], service: strs[3],
		method: strings.ToUpper(strs[4]), bodyHash: strs[6],
		t: time.UnixMilli(int64(f[15])).UTC(), out: f[16], outLen: f[17],
	}
	if r.bodyHash == "" {
		r.bodyHash = sigv4UnsignedPayload
	}
	rawPath, rawQuery, _ := strings.Cut(strs[5], "?")
	if r.path, err = url.PathUnescape(rawPath); err != nil {
		return nil, errSigV4Build
	}
	if r.query, err = url.ParseQuery(rawQuery); err != nil {
		return nil, errSigV4Build
	}
	r.headers = map[string][]string{}
	if f[12] != 0 {
		h, err := k.objects.lookup(f[12])
		if err != nil {
			return nil, err
		}
		if h.node.kind != jsonObject {
			return nil, errSigV4Build
		}
		for _, m := range h.node.members {
			name := strings.ToLower(strings.TrimSpace(m.key))
			if !isToken(name) || m.val.kind != jsonString || !validFieldValue(m.val.text) {
				return nil, errSigV4Build
			}
			r.headers[name] = append(r.headers[name], m.val.text)
		}
	}
	if _, ok := r.headers["host"]; !ok {
		return nil, errSigV4Build
	}
	return r, nil
}

// awsEscape percent-encodes every byte of s but the RFC 3986 unreserved
// characters (and '/' when keepSlash), with upper-case hex.
func awsEscape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'A' <= ch && ch <= 'Z', 'a' <= ch && ch <= 'z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~', ch == '/' && keepSlash:
			b.WriteByte(ch)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[ch>>4])
			b.WriteByte(hexDigits[ch&15])
		}
	}
	return b.String()
}

// escapedPath is the request path as sent: encoded once, "/" when empty.
func (r *sigV4Request) escapedPath() string {
	if r.path == "" {
		return "/"
	}
	return awsEscape(r.path, true)
}

// canonicalQuery encodes q's parameters and sorts them by name, then value.
func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, awsEscape(k, false)+"="+awsEscape(v, false))
		}
	}
	slices.SortFunc(pairs, func(a, b string) int {
		ak, av, _ := strings.Cut(a, "=")
		bk, bv, _ := strings.Cut(b, "=")
		if c := strings.Compare(ak, bk); c != 0 {
			return c
		}
		return strings.Compare(av, bv)
	})
	return strings.Join(pairs, "&")
}

// collapseSpaces trims s and replaces each run of spaces with one.
func collapseSpaces(s string) string {
	s = strings.Trim(s, " ")
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	return strings.TrimSpace(s)
}

// sign returns the signed-headers list and the signature of r with the
// canonical query q.
func (r *sigV4Request) sign(q url.Values, scope string) (signed, signature string) {
	names := make([]string, 0, len(r.headers))
	for n := range r.headers {
		names = append(names, n)
	}
	slices.Sort(names)
	var hdrs strings.Builder
	for _, n := range names {
		hdrs.WriteString(n)
		hdrs.WriteByte(':')
		for i, v := range r.headers[n] {
			if i > 0 {
				hdrs.WriteByte(',')
			}
			hdrs.WriteString(collapseSpaces(v))
		}
		hdrs.WriteByte('\n')
	}
	signed = strings.Join(names, ";")
	uri := r.escapedPath()
	if r.service != "s3" {
		uri = awsEscape(uri, true)
	}
	canonical := strings.Join([]string{r.method, uri, canonicalQuery(q), hdrs.String(), signed, r.bodyHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + r.t.Format("20060102T150405Z") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + r.secretKey)
	for _, part := range []string{r.t.Format("20060102"), r.region, r.service, "aws4_request", toSign} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(part))
		key = m.Sum(nil)
	}
	return signed, hex.EncodeToString(key)
}

// scope is the credential scope date/region/service/aws4_request.
func (r *sigV4Request) scope() string {
	return r.t.Format("20060102") + "/" + r.region + "/" + r.service + "/aws4_request"
}

// authorization is the Authorization header value.
func (r *sigV4Request) authorization() string {
	scope := r.scope()
	signed, sig := r.sign(r.query, scope)
	return "AWS4-HMAC-SHA256 Credential=" + r.accessKey + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + sig
}

// presignedURL is the path and query of a presigned URL valid for
// expires seconds.
func (r *sigV4Request) presignedURL(expires uint64) string {
	scope := r.scope()
	q := url.Values{}
	for k, v := range r.query {
		q[k] = v
	}
	names := make([]string, 0, len(r.headers))
	for n := range r.headers {
		names = append(names, n)
	}
	slices.Sort(names)
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", r.accessKey+"/"+scope)
	q.Set("X-Amz-Date", r.t.Format("20060102T150405Z"))
	q.Set("X-Amz-Expires", strconv.FormatUint(expires, 10))
	q.Set("X-Amz-SignedHeaders", strings.Join(names, ";"))
	_, sig := r.sign(q, scope)
	return r.escapedPath() + "?" + canonicalQuery(q) + "&X-Amz-Signature=" + sig
}

// sigV4Helper returns zs_aws_v4_authorization_header(params, params_len)
// or zs_aws_v4_presigned_url(params, params_len, expires_secs).
func sigV4Helper(presign bool) vm.HelperFunc {
	return func(c *vm.Context, p, n, expires, _, _ uint64) (uint64, error) {
		k, err := current(c)
		if err != nil {
			return 0, err
		}
		r, err := readSigV4(c, k, p, n)
		switch {
		case errors.Is(err, errSigV4Limit):
			return minusOne, nil
		case errors.Is(err, errSigV4Build):
			return minusOne - 1, nil
		case err != nil:
			return 0, err
		}
		if err := c.Charge(n + uint64(len(r.path))); err != nil {
			return 0, err
		}
		var s string
		if presign {
			if expires == 0 || expires > sigv4MaxExpires {
				return minusOne, nil
			}
			s = r.presignedURL(expires)
		} else {
			s = r.authorization()
		}
		return writeString(c, r.out, r.outLen, s)
	}
}
