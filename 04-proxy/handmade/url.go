package handmade

import (
	"net/url"
	"strings"
)

// joinPath puts the target's base path in front of the request's, with exactly one
// slash between them, and keeps the escaped form when either side has one (so an
// encoded "%2F" in a path segment stays encoded instead of becoming a path separator).
func joinPath(target, req *url.URL) (path, rawPath string) {
	if target.RawPath == "" && req.RawPath == "" {
		return joinSlash(target.Path, req.Path), ""
	}
	escaped := joinSlash(target.EscapedPath(), req.EscapedPath())
	path = joinSlash(target.Path, req.Path)
	return path, escaped
}

func joinSlash(a, b string) string {
	switch {
	case a == "":
		if b == "" {
			return "/"
		}
		return b
	case b == "":
		return a
	}
	aslash, bslash := strings.HasSuffix(a, "/"), strings.HasPrefix(b, "/")
	switch {
	case aslash && bslash:
		return a + b[1:]
	case !aslash && !bslash:
		return a + "/" + b
	}
	return a + b
}

// joinQuery puts the target's fixed query parameters in front of the request's.
func joinQuery(target, req string) string {
	if req == "" {
		return target
	}
	return target + "&" + req
}
