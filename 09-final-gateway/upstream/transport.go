// Package upstream is a service at run time: the balancer over its targets, the pooled
// connections to them, health state, and the proxy that sends requests there.
//
// Balancing happens in the RoundTripper, below httputil.ReverseProxy: the proxy builds
// the outbound request once (headers, X-Forwarded-*), and the balancing transport picks
// a target for it, sends it, reports the outcome to the balancer, and for requests that
// are safe to repeat tries another target when the first could not be reached. Each
// try is a real pick, so the balancer's view of load and failures stays true.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"time"

	"gatewaylab/04-proxy/proxyerr"
	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/07-middleware/accesslog"
)

// pickKey carries the balancing key of one request from the handler, which sees the
// client's request, to the transport, which sees the outbound copy.
type pickKey struct{}

// withKey returns r with key attached for the balancing transport.
func withKey(r *http.Request, key string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), pickKey{}, key))
}

// balancingTransport picks a target per try and sends the request through base.
type balancingTransport struct {
	lb      balancer.Balancer
	base    http.RoundTripper
	retries int // extra tries after the first; 0 disables
}

func (t *balancingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key, _ := req.Context().Value(pickKey{}).(string)
	var body *onceBody
	if req.Body != nil && req.Body != http.NoBody {
		body = &onceBody{r: req.Body}
		req.Body = body
	}
	var lastErr error
	tried := ""
	for attempt := 0; attempt <= t.retries; attempt++ {
		ep, err := t.pick(key, tried)
		if err != nil {
			if lastErr != nil {
				return nil, lastErr
			}
			return nil, fmt.Errorf("%w: %w", proxyerr.ErrNoUpstream, err)
		}
		tried = ep.Addr()
		res, err := t.send(req, ep, body)
		if err == nil {
			return res, nil
		}
		lastErr = err
		if !canRetry(req, body, err) {
			return nil, err
		}
	}
	return nil, lastErr
}

// pick chooses a target, trying not to repeat the one that just failed.
func (t *balancingTransport) pick(key, avoid string) (*balancer.Endpoint, error) {
	ep, err := t.lb.Pick(key)
	if err != nil || avoid == "" || ep.Addr() != avoid {
		return ep, err
	}
	again, err2 := t.lb.Pick(key)
	if err2 != nil {
		return ep, nil
	}
	ep.Done(balancer.Outcome{}) // not used: give its in-flight slot back without blame
	return again, nil
}

// send makes one try against ep. The outcome goes to the balancer when the response
// body is closed (so in-flight counts cover streaming responses), or at once on error.
func (t *balancingTransport) send(req *http.Request, ep *balancer.Endpoint, body *onceBody) (*http.Response, error) {
	start := time.Now()
	req.URL.Host = ep.Addr()
	accesslog.SetUpstream(req.Context(), ep.Addr()) // the last try's target is logged
	res, err := t.base.RoundTrip(req)
	if cerr := body.clientErr(); err != nil && cerr != nil {
		// The client's body failed, not the target: it is not blamed (passive health,
		// the balancer's view), and the client hears that it was at fault (unless it
		// went away: 499).
		ep.Done(balancer.Outcome{})
		if req.Context().Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", proxyerr.ErrClientBody, cerr)
	}
	if err != nil {
		ep.Done(balancer.Outcome{Latency: time.Since(start), Err: err})
		return nil, err
	}
	res.Body = &doneBody{ReadCloser: res.Body, ep: ep,
		outcome: balancer.Outcome{Latency: time.Since(start), Status: res.StatusCode}}
	return res, nil
}

// doneBody reports the outcome once, when the proxy closes the body.
type doneBody struct {
	io.ReadCloser
	ep      *balancer.Endpoint
	outcome balancer.Outcome
	done    bool
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	if !b.done {
		b.done = true
		b.ep.Done(b.outcome)
	}
	return err
}

// Write lets a 101 Switching Protocols body (a WebSocket) stay writable through the
// wrapper, as ReverseProxy requires.
func (b *doneBody) Write(p []byte) (int, error) {
	if w, ok := b.ReadCloser.(io.Writer); ok {
		return w.Write(p)
	}
	return 0, errors.New("upstream body is not writable")
}

// canRetry reports whether req may be sent again after err. A request that never
// reached the target (refused, dial timeout) is always safe; after that, only
// idempotent methods are, because the target may have acted on the first copy. A body
// that was partly read is gone: such a request is never retried.
func canRetry(req *http.Request, body *onceBody, err error) bool {
	if req.Context().Err() != nil || body != nil && body.read.Load() {
		return false
	}
	if neverSent(err) {
		return true
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// onceBody lets a request body be offered to a second target when the first try never
// read from it. Close does nothing: the Transport closes a request body when a try fails,
// and the body belongs to the client's request, which the server closes at the end.
type onceBody struct {
	r    io.Reader
	read atomic.Bool           // set by the Transport's writer goroutine, read by RoundTrip
	err  atomic.Pointer[error] // the first error reading the client's body, io.EOF aside
}

func (b *onceBody) Read(p []byte) (int, error) {
	b.read.Store(true)
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err.CompareAndSwap(nil, &err)
	}
	return n, err
}

// clientErr returns why reading the client's body failed (nil when it did not, or
// when there is no body).
func (b *onceBody) clientErr() error {
	if b == nil {
		return nil
	}
	if err := b.err.Load(); err != nil {
		return *err
	}
	return nil
}

func (b *onceBody) Close() error { return nil }

func neverSent(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial")
}
