package metrics

import (
	"net"
	"net/http"
	"time"

	"gatewaylab/04-proxy/statuswriter"
)

// RouteInfo tells the metrics middleware which route and service served a request;
// the router fills it in after the middleware has started timing.
type RouteInfo func(r *http.Request) (route, service string)

// Middleware times and counts every request of listener. onStatus, when not nil, is
// told every response's status (the flow counters count 5xx answers with it).
func (m *Metrics) Middleware(listener string, info RouteInfo, onStatus func(int), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rec := statuswriter.New(w)
		defer func() {
			m.inFlight.Dec()
			route, service := info(r)
			code := statusCode(rec)
			m.Observe(listener, route, service, code, time.Since(start))
			if onStatus != nil {
				onStatus(code)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// ConnState returns an http.Server.ConnState hook that tracks open connections.
func (m *Metrics) ConnState(listener string) func(net.Conn, http.ConnState) {
	return func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			m.ConnOpened(listener)
		case http.StateClosed, http.StateHijacked:
			m.ConnClosed(listener)
		}
	}
}

// statusCode is the status a request is counted under: what the handler wrote, 101
// for a connection taken over (a WebSocket tunnel, whose 101 went out on the raw
// connection) and 499, nginx's "client closed request", when nothing was written.
func statusCode(rec *statuswriter.Recorder) int {
	switch {
	case rec.Status() != 0:
		return rec.Status()
	case rec.Hijacked():
		return http.StatusSwitchingProtocols
	default:
		return 499 // nothing written: the client went away before an answer
	}
}
