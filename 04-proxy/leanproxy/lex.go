package leanproxy

// Byte classes from RFC 9110 (token, field-value) and RFC 3986 (host), the same sets
// golang.org/x/net/http/httpguts checks for net/http.

// tokenByte marks tchar: "!#$%&'*+-.^_`|~", digits and letters.
var tokenByte = byteSet("!#$%&'*+-.^_`|~" + alnum)

// hostByte marks what a Host header may hold: reg-name, IP literals, a port, and
// pct-encoding (IPv6 zones).
var hostByte = byteSet("!$%&'()*+,-.:;=[]_~" + alnum)

const alnum = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

func byteSet(s string) (set [256]bool) {
	for i := range len(s) {
		set[s[i]] = true
	}
	return set
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return true
}

func validHost(s string) bool {
	for i := range len(s) {
		if !hostByte[s[i]] {
			return false
		}
	}
	return s != ""
}

// validValue refuses control bytes other than horizontal tab: CR and LF above all,
// which would end the field and start another.
func validValue(s string) bool {
	for i := range len(s) {
		if b := s[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// validURI refuses bytes that would break the request line: controls and spaces.
func validURI(s string) bool {
	for i := range len(s) {
		if b := s[i]; b <= ' ' || b == 0x7f {
			return false
		}
	}
	return true
}
