package balancer

import (
	"net/textproto"
	"strings"
)

// cookieValue returns the value of the first valid cookie called name in the Cookie
// header lines, following RFC 6265 section 4.2.1 the way net/http reads it: pairs are
// separated by ";", space around names and pairs is ignored, one pair of double quotes
// around the value is removed, and a pair whose value has a forbidden byte is skipped.
// It returns substrings of the header, so it never allocates.
func cookieValue(lines []string, name string) string {
	for _, line := range lines {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			pairName, raw, _ := strings.Cut(textproto.TrimString(pair), "=")
			if textproto.TrimString(pairName) != name {
				continue
			}
			if v, ok := cookieValueOf(raw); ok {
				return v
			}
		}
	}
	return ""
}

// cookieValueOf strips optional double quotes from raw and checks every byte against
// RFC 6265's cookie-octet (net/http also lets spaces and commas through).
func cookieValueOf(raw string) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", false
		}
	}
	return raw, true
}

// isToken reports whether s is a non-empty RFC 9110 token, the grammar of cookie and
// header names.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}
