// Package backend is the real upstreams the reliability suite and the soak command put
// behind the gateway: an HTTP server that records every request exactly as it arrived,
// gRPC and WebSocket echo servers from stage 08, and a TCP echo server. Each listens on
// a free loopback port; the HTTP one can be killed and revived on the same port, to
// play a target that crashes and comes back.
package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is what an HTTP backend received, as its server parsed it.
type Request struct {
	Method           string
	Host             string
	RequestURI       string // as written on the request line
	Path             string // decoded
	Proto            string
	Header           http.Header
	ContentLength    int64
	TransferEncoding []string
	Body             []byte // the first MaxRecordedBody bytes
	BodyLen          int64  // every byte read
	BodyErr          string // why reading the body failed, if it did
}

// MaxRecordedBody bounds how much of each body a backend keeps.
const MaxRecordedBody = 64 << 10

// HTTP is a recording HTTP/1.1 backend. Every request is recorded, then answered:
//
//	/healthz           HealthStatus (200 by default), not recorded
//	.../slow...?d=DUR  after DUR, or when the client goes away
//	.../big...?n=BYTES with a body of BYTES bytes
//	anything else      Status (200 by default), body "<name> <path>\n"
//
// Every answer carries X-Backend: <name>.
type HTTP struct {
	Name         string
	Status       atomic.Int32 // answer status; 0 is 200
	HealthStatus atomic.Int32 // /healthz status; 0 is 200
	Delay        atomic.Int64 // nanoseconds added before every answer

	inFlight atomic.Int64
	mu       sync.Mutex
	got      []Request
	addr     string
	srv      *http.Server
	serving  chan struct{} // closed when Serve returns
}

// NewHTTP starts a backend on a free loopback port.
func NewHTTP(name string) (*HTTP, error) {
	b := &HTTP{Name: name}
	if err := b.listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *HTTP) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("backend %s: %w", b.Name, err)
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		MaxHeaderBytes: 1 << 20}
	serving := make(chan struct{})
	go func() {
		defer close(serving)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Warn("backend stopped", "backend", b.Name, "err", err)
		}
	}()
	b.mu.Lock()
	b.addr, b.srv, b.serving = ln.Addr().String(), srv, serving
	b.mu.Unlock()
	return nil
}

// Addr is the backend's host:port.
func (b *HTTP) Addr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addr
}

// Kill closes the listener and every connection, requests in flight included: the
// port refuses connections, as a crashed process's would.
func (b *HTTP) Kill() {
	b.mu.Lock()
	srv, serving := b.srv, b.serving
	b.srv = nil
	b.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close()
	<-serving
}

// Revive serves again on the same address after Kill.
func (b *HTTP) Revive() error { return b.listen(b.Addr()) }

// Close is Kill, for t.Cleanup and defer.
func (b *HTTP) Close() { b.Kill() }

// InFlight is the number of requests being answered now.
func (b *HTTP) InFlight() int64 { return b.inFlight.Load() }

// Requests returns a copy of every request received so far.
func (b *HTTP) Requests() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Request, len(b.got))
	copy(out, b.got)
	return out
}

// Count returns how many requests were received.
func (b *HTTP) Count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.got)
}

// WithHeader returns the requests whose header name has value.
func (b *HTTP) WithHeader(name, value string) []Request {
	var out []Request
	for _, r := range b.Requests() {
		if r.Header.Get(name) == value {
			out = append(out, r)
		}
	}
	return out
}

func (b *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		w.WriteHeader(orOK(b.HealthStatus.Load()))
		return
	}
	b.inFlight.Add(1)
	defer b.inFlight.Add(-1)
	b.record(r)
	if !b.wait(r) {
		return
	}
	w.Header().Set("X-Backend", b.Name)
	if st := b.Status.Load(); st != 0 {
		http.Error(w, b.Name+" failing on purpose", int(st))
		return
	}
	if strings.Contains(r.URL.Path, "/big") {
		n, _ := strconv.ParseInt(r.URL.Query().Get("n"), 10, 64)
		writeBig(w, n)
		return
	}
	io.WriteString(w, b.Name+" "+r.URL.Path+"\n")
}

func (b *HTTP) record(r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRecordedBody))
	n := int64(len(body))
	if err == nil {
		var rest int64
		rest, err = io.Copy(io.Discard, r.Body)
		n += rest
	}
	rec := Request{Method: r.Method, Host: r.Host, RequestURI: r.RequestURI, Path: r.URL.Path, Proto: r.Proto,
		Header: r.Header.Clone(), ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding,
		Body: body, BodyLen: n}
	if err != nil {
		rec.BodyErr = err.Error()
	}
	b.mu.Lock()
	b.got = append(b.got, rec)
	b.mu.Unlock()
}

// wait applies the delay and /slow; false when the client went away first.
func (b *HTTP) wait(r *http.Request) bool {
	d := time.Duration(b.Delay.Load())
	if strings.Contains(r.URL.Path, "/slow") {
		if qd, err := time.ParseDuration(r.URL.Query().Get("d")); err == nil {
			d += qd
		}
	}
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// writeBig writes n bytes, stopping when the client stops reading (the write fails).
func writeBig(w http.ResponseWriter, n int64) {
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	chunk := []byte(strings.Repeat("x", 32<<10))
	for n > 0 {
		p := chunk[:min(int64(len(chunk)), n)]
		if _, err := w.Write(p); err != nil {
			return
		}
		n -= int64(len(p))
	}
}

func orOK(status int32) int {
	if status == 0 {
		return http.StatusOK
	}
	return int(status)
}

// shutdown stops srv within a second, then closes it.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
}
