package gateway

import (
	"context"
	"net/http"

	"gatewaylab/09-final-gateway/router"
)

// entry is the handler of one HTTP listener: it takes the current snapshot, matches the
// route and hands the request to the route's chain.
type entry struct {
	g        *Gateway
	listener string
}

func (e *entry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		// A reverse proxy has no tunnel to offer: a CONNECT names no path to route, and
		// forwarded it would reach whatever the backend can reach.
		w.Header().Set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
		http.Error(w, "method not allowed: the gateway is not a forward proxy", http.StatusMethodNotAllowed)
		return
	}
	snap := e.g.snap.Load()
	path, err := router.CanonicalPath(r.URL.EscapedPath())
	if err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	if snap.token != nil && path == snap.tokenURL {
		if info := InfoFrom(r); info != nil {
			info.Route = "token-endpoint"
		}
		snap.token.ServeHTTP(w, r)
		return
	}
	table := snap.tables[e.listener]
	if table == nil {
		http.NotFound(w, r)
		return
	}
	route, ok := table.MatchRequest(r, path)
	if !ok {
		http.Error(w, "not found: no route for "+r.Method+" "+path, http.StatusNotFound)
		return
	}
	if r.URL.Path != path || r.URL.RawPath != "" {
		r = withPath(r, path)
	}
	if info := InfoFrom(r); info != nil {
		info.Route, info.Service = route.Value.Name, route.Value.Service
	}
	route.Value.Handler.ServeHTTP(w, r)
}

// withPath returns a shallow copy of r with the canonical path: what was matched is
// exactly what is rewritten and forwarded (re-escaped by net/url).
func withPath(r *http.Request, path string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path, u.RawPath = path, ""
	r2.URL = &u
	return r2
}

// RequestInfo is what routing learns about a request, for the access log and metrics
// that wrap the router (they run before the route is known and read it after).
type RequestInfo struct {
	Listener string
	Route    string // "" when no route matched
	Service  string
}

type infoKey struct{}

// WithInfo returns r carrying a RequestInfo the router fills in.
func WithInfo(r *http.Request, listener string) (*http.Request, *RequestInfo) {
	info := &RequestInfo{Listener: listener}
	return r.WithContext(context.WithValue(r.Context(), infoKey{}, info)), info
}

// InfoFrom returns the RequestInfo of r, or nil.
func InfoFrom(r *http.Request) *RequestInfo {
	info, _ := r.Context().Value(infoKey{}).(*RequestInfo)
	return info
}
