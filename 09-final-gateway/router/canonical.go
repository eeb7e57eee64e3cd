package router

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadPath is wrapped by CanonicalPath errors: the request path is one the gateway
// refuses to route (answered with 400).
var ErrBadPath = errors.New("bad request path")

// CanonicalPath returns the one form of an escaped request path that the gateway
// matches, rewrites and forwards, so that no two spellings of a path can reach
// different routes (or the same route past different middleware):
//
//   - percent-escapes are decoded once: "/%61dmin" is "/admin";
//   - an encoded "/" or "\" (%2F, %5C) is refused: upstreams disagree about whether it
//     separates segments, which is how "/public%2F..%2Fadmin" gets past a proxy's checks;
//   - NUL, other control characters and invalid escapes are refused;
//   - dot segments are resolved ("/a/./b/../c" is "/a/c"; RFC 3986 section 5.2.4), and
//     one cannot climb above the root;
//   - repeated slashes are collapsed ("//admin" is "/admin");
//   - a trailing slash is kept ("/dir/" and "/dir" may be different resources).
//
// The result is an unescaped path; the proxy re-escapes it for the upstream.
func CanonicalPath(escaped string) (string, error) {
	if escaped == "" {
		return "/", nil
	}
	if escaped[0] != '/' {
		return "", fmt.Errorf("%w: %q does not start with /", ErrBadPath, escaped)
	}
	if isClean(escaped) {
		return escaped, nil // the common case: nothing to decode or resolve, no allocation
	}
	decoded, err := unescape(escaped)
	if err != nil {
		return "", err
	}
	return resolveDots(decoded), nil
}

// isClean reports whether p has no escapes, control characters, dot segments or
// repeated slashes, so that it is already canonical.
func isClean(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%', c == '\\', c < 0x20, c == 0x7f:
			return false
		case c == '/' && i+1 < len(p) && p[i+1] == '/':
			return false
		case c == '.' && p[i-1] == '/' && isDotSegment(p[i:]):
			return false
		}
	}
	return true
}

// isDotSegment reports whether s (starting at a segment) is "." or "..".
func isDotSegment(s string) bool {
	end := strings.IndexByte(s, '/')
	if end < 0 {
		end = len(s)
	}
	return s[:end] == "." || s[:end] == ".."
}

func unescape(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", fmt.Errorf("%w: invalid escape in %q", ErrBadPath, s)
			}
			c = unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
			if c == '/' || c == '\\' {
				return "", fmt.Errorf("%w: encoded slash in %q", ErrBadPath, s)
			}
		}
		if c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("%w: control character in %q", ErrBadPath, s)
		}
		if c == '\\' {
			return "", fmt.Errorf("%w: backslash in %q", ErrBadPath, s)
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// resolveDots removes "." and ".." segments and empty segments (repeated slashes),
// keeping a trailing slash.
func resolveDots(p string) string {
	segments := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segments))
	for _, s := range segments {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	result := "/" + strings.Join(out, "/")
	last := segments[len(segments)-1]
	if len(out) > 0 && (last == "" || last == "." || last == "..") {
		result += "/"
	}
	return result
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
