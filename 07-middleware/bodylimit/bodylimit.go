// Package bodylimit refuses request bodies over a size with 413 Content Too Large, so a
// client cannot make the gateway (or the upstream behind it) swallow gigabytes.
//
// Two checks: a declared Content-Length over the limit is refused before anything is
// read; a chunked body is counted as it streams (http.MaxBytesReader) and cut at the
// limit. In the second case the handler (the proxy) sees a read error and would answer
// 502; the middleware replaces that answer with 413, because the client, not the
// upstream, was at fault.
package bodylimit

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"

	"gatewaylab/07-middleware/internal/reply"
	"gatewaylab/07-middleware/internal/respwriter"
)

// Config configures the middleware.
type Config struct {
	// MaxBytes is the largest body accepted. Required.
	MaxBytes int64
}

type middleware struct {
	next http.Handler
	max  int64
	msg  string
}

// New returns the body-limit middleware.
func New(next http.Handler, cfg Config) (http.Handler, error) {
	if cfg.MaxBytes < 1 {
		return nil, fmt.Errorf("bodylimit: MaxBytes must be at least 1, got %d", cfg.MaxBytes)
	}
	return &middleware{next: next, max: cfg.MaxBytes, msg: "request body larger than " + strconv.FormatInt(cfg.MaxBytes, 10) + " bytes"}, nil
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > m.max {
		reply.Error(w, http.StatusRequestEntityTooLarge, m.msg)
		return
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength >= 0 {
		// A declared length within the limit: net/http already stops reading at it.
		m.next.ServeHTTP(w, r)
		return
	}
	body := &countingBody{ReadCloser: http.MaxBytesReader(w, r.Body, m.max)}
	ic := respwriter.NewInterceptor(w, func(int) bool { return body.exceeded.Load() })
	r2 := new(http.Request)
	*r2 = *r
	r2.Body = body
	m.next.ServeHTTP(ic, r2)
	ic.Finish()
	if ic.Intercepted() {
		reply.Error(w, http.StatusRequestEntityTooLarge, m.msg)
	}
}

// countingBody notes that http.MaxBytesReader cut the body off.
type countingBody struct {
	io.ReadCloser
	exceeded atomic.Bool // the proxy reads the body on its transport's goroutine
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		b.exceeded.Store(true)
	}
	return n, err
}
