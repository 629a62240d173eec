package http1

import "unicode/utf8"

// NormalizePath appends to dst the decoded, normalised form of a request
// path (Request.Path) used to look up files, following the original
// zeroserve's rules: the path is split on '/', each segment is
// percent-decoded, "." segments are dropped, ".." pops the previous segment,
// and empty segments collapse. The result starts with '/' and ends with '/'
// when the path ends with '/', "." or "..". An empty path means "/".
//
// It returns a 400 *Error (offset into path) for a path not starting with
// '/', a malformed %XX, a ".." that would leave the root, a segment that
// decodes to contain '/' (%2f) or NUL, or one that is not valid UTF-8. It
// does not allocate when dst has room.
func NormalizePath(dst, path []byte) ([]byte, error) {
	out, err := normalizePath(dst, path, true)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// CleanPath is NormalizePath that keeps each segment as received
// (percent-encoded): the clean path scripts see, with the same rejections.
func CleanPath(dst, path []byte) ([]byte, error) {
	out, err := normalizePath(dst, path, false)
	if err != nil {
		return dst, err
	}
	return out, nil
}

func normalizePath(dst, path []byte, decode bool) ([]byte, *Error) {
	base := len(dst)
	dst = append(dst, '/')
	if len(path) == 0 {
		return dst, nil
	}
	if path[0] != '/' {
		return nil, badRequest("path does not start with /", 0)
	}
	dir := true // the output names a directory: keep its trailing '/'
	for i := 1; i <= len(path); {
		j := i
		for j < len(path) && path[j] != '/' {
			j++
		}
		seg := path[i:j]
		next := j + 1
		if len(seg) == 0 {
			dir = true
			i = next
			continue
		}
		segStart := len(dst)
		var err *Error
		dst, err = appendDecoded(dst, seg, i)
		if err != nil {
			return nil, err
		}
		switch string(dst[segStart:]) {
		case ".":
			dst = dst[:segStart]
			dir = true
		case "..":
			dst = dst[:segStart]
			if segStart-1 == base {
				return nil, badRequest("path escapes the root", i)
			}
			k := segStart - 2
			for dst[k] != '/' {
				k--
			}
			dst = dst[:k+1]
			dir = true
		default:
			if !utf8.Valid(dst[segStart:]) {
				return nil, badRequest("path segment is not UTF-8", i)
			}
			if !decode {
				dst = append(dst[:segStart], seg...)
			}
			dst = append(dst, '/')
			dir = false
		}
		i = next
	}
	if !dir && len(dst) > base+1 {
		dst = dst[:len(dst)-1]
	}
	return dst, nil
}

// appendDecoded appends the percent-decoded segment seg (found at offset
// off of the path) to dst, rejecting malformed escapes, '/' and NUL.
func appendDecoded(dst, seg []byte, off int) ([]byte, *Error) {
	for k := 0; k < len(seg); k++ {
		c := seg[k]
		if c == '%' {
			if k+2 >= len(seg) || charClass[seg[k+1]]&classHex == 0 || charClass[seg[k+2]]&classHex == 0 {
				return nil, badRequest("malformed percent-encoding in path", off+k)
			}
			c = unhex(seg[k+1])<<4 | unhex(seg[k+2])
			k += 2
		}
		switch c {
		case '/':
			return nil, badRequest("encoded / in path segment", off+k)
		case 0:
			return nil, badRequest("NUL in path", off+k)
		}
		dst = append(dst, c)
	}
	return dst, nil
}
