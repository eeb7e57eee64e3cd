// Package accesslog writes one structured log line per request with log/slog: method,
// path, status, bytes, duration, client IP, request ID, route and upstream. With a JSON
// handler every line is a JSON object a log pipeline can index.
//
// It logs what happened, never what was sent: no bodies, no query strings, no
// Authorization. (The course logged every proxied request body, admin login passwords
// included.)
package accesslog

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"gatewaylab/04-proxy/statuswriter"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/requestid"
)

// Config configures the middleware.
type Config struct {
	// Logger writes the lines (default slog.Default()); use slog.NewJSONHandler for JSON.
	Logger *slog.Logger
	// Route names the route in every line (the router knows it when it builds the chain).
	Route string
	// RouteFunc, if set, names the route of each request when its line is written: for
	// an access log outside the router, which learns the route only after matching.
	RouteFunc func(*http.Request) string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

type middleware struct {
	next http.Handler
	cfg  Config
}

// New returns the access-log middleware. Put it outside everything that can refuse a
// request (limits, auth), so refusals are logged too.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &middleware{next: next, cfg: cfg}, nil
}

// entry collects what inner layers learn while serving (the upstream address, the app).
type entry struct {
	mu       sync.Mutex
	upstream string
	attrs    []slog.Attr
}

type ctxKey struct{}

// SetUpstream records the upstream that served the request; the proxy calls it.
func SetUpstream(ctx context.Context, addr string) {
	if e, ok := ctx.Value(ctxKey{}).(*entry); ok {
		e.mu.Lock()
		e.upstream = addr
		e.mu.Unlock()
	}
}

// AddAttrs adds attributes to the request's line (an auth layer adds the app id).
func AddAttrs(ctx context.Context, attrs ...slog.Attr) {
	if e, ok := ctx.Value(ctxKey{}).(*entry); ok {
		e.mu.Lock()
		e.attrs = append(e.attrs, attrs...)
		e.mu.Unlock()
	}
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := m.cfg.Now()
	e := &entry{}
	rec := statuswriter.New(w)
	returned := false
	defer func() { m.write(r, rec, e, m.cfg.Now().Sub(start), returned) }() // logged even if next panics
	m.next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), ctxKey{}, e)))
	returned = true
}

// write logs the line. A handler that returned without writing sent an empty 200; one
// that took the connection over (a WebSocket upgrade) is logged as 101; one that
// panicked before writing is logged with status 0 (the recovery layer answers it).
func (m *middleware) write(r *http.Request, rec *statuswriter.Recorder, e *entry, d time.Duration, returned bool) {
	status := rec.Status()
	switch {
	case status == 0 && rec.Hijacked():
		status = http.StatusSwitchingProtocols
	case status == 0 && returned:
		status = http.StatusOK
	}
	route := m.cfg.Route
	if m.cfg.RouteFunc != nil {
		route = m.cfg.RouteFunc(r)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	attrs := append([]slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Int64("bytes", rec.Bytes()),
		slog.Duration("duration", d),
		slog.String("client_ip", clientip.FromRequest(r).String()),
		slog.String("request_id", requestid.From(r.Context())),
		slog.String("route", route),
		slog.String("upstream", e.upstream),
	}, e.attrs...)
	m.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}
