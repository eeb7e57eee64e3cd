// Package benchutil measures one http.Handler in a loop without a network, so a
// benchmark reports the middleware's own cost (ns/op, allocs/op) and nothing else.
package benchutil

import (
	"net/http"
	"testing"
)

// Writer is a ResponseWriter that discards everything. Its header map is cleared before
// each request, so headers added per request do not pile up across iterations.
type Writer struct {
	h      http.Header
	Status int
}

// Header returns the writer's header map.
func (w *Writer) Header() http.Header { return w.h }

// WriteHeader records the status.
func (w *Writer) WriteHeader(code int) { w.Status = code }

// Write discards p.
func (w *Writer) Write(p []byte) (int, error) { return len(p), nil }

// Flush does nothing.
func (w *Writer) Flush() {}

// Run serves r with h b.N times and fails the benchmark if the answer is not wantStatus.
func Run(b *testing.B, h http.Handler, newRequest func() *http.Request, wantStatus int) {
	b.Helper()
	w := &Writer{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.Status = http.StatusOK
		h.ServeHTTP(w, newRequest())
	}
	if w.Status != wantStatus {
		b.Fatalf("last status %d; want %d", w.Status, wantStatus)
	}
}

var okBody = []byte("ok")

// OK is a final handler that answers 200 with a short body and allocates nothing.
var OK = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write(okBody)
})
