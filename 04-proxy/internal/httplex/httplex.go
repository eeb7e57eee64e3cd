// Package httplex holds the byte classes of HTTP/1.1 syntax that the lean client
// (leanproxy) and the lean server (leanserver) check before they trust or write a
// field: RFC 9110's token and field-value and RFC 3986's host, the same sets
// golang.org/x/net/http/httpguts checks for net/http.
package httplex

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

// IsToken reports whether s is a non-empty token (methods, header names).
func IsToken(s string) bool {
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

// ValidHost reports whether s is a non-empty Host value with only host bytes.
func ValidHost(s string) bool {
	for i := range len(s) {
		if !hostByte[s[i]] {
			return false
		}
	}
	return s != ""
}

// ValidValue refuses control bytes other than horizontal tab: CR and LF above all,
// which would end the field and start another.
func ValidValue(s string) bool {
	for i := range len(s) {
		if b := s[i]; b < ' ' && b != '\t' || b == 0x7f {
			return false
		}
	}
	return true
}

// ValidURI refuses bytes that would break the request line: controls and spaces.
func ValidURI(s string) bool {
	for i := range len(s) {
		if b := s[i]; b <= ' ' || b == 0x7f {
			return false
		}
	}
	return true
}
