package metrics

import (
	"bufio"
	"net"
	"net/http"
	"time"
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
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			m.inFlight.Dec()
			route, service := info(r)
			code := rec.code()
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

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Hijack records a protocol switch (WebSocket) as 101 and hands the connection over.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil && r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return c, brw, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) code() int {
	switch {
	case r.status != 0:
		return r.status
	default:
		return 499 // nothing written: the client went away or the connection was hijacked
	}
}
