// Package reqpath gives a handler a request with a different path without touching the
// caller's request, the way http.StripPrefix does.
package reqpath

import (
	"net/http"
	"net/url"
)

// With returns a shallow copy of r with its own URL whose Path is path and RawPath is
// raw ("" lets Go encode Path when the request is sent). Headers are shared.
func With(r *http.Request, path, raw string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path, r2.URL.RawPath = path, raw
	return r2
}
