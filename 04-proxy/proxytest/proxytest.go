// Package proxytest is the behaviour table every reverse proxy in gatewaylab must pass:
// the hand-built one and the production one in stage 04, and any faster upstream path
// the final gateway adds later. Each case starts a real upstream (httptest.Server or a
// raw TCP listener) that asserts what arrived, sends a real request through the proxy on
// a real socket, and checks what came back. Call Run from a test:
//
//	func TestBehaviour(t *testing.T) { proxytest.Run(t, newMyProxy) }
package proxytest

import (
	"net/http"
	"net/url"
	"testing"

	"gatewaylab/04-proxy/forwarded"
)

// Factory builds the proxy under test for one upstream. transport is the RoundTripper
// to use (some cases need short timeouts); trust is the set of trusted proxies.
type Factory func(tb testing.TB, target *url.URL, trust *forwarded.Trust, transport http.RoundTripper) http.Handler

// Case is one behaviour. Run runs them all; Cases lets a caller pick.
type Case struct {
	Name string
	Run  func(t *testing.T, f Factory)
}

// Run runs every case against the proxies that f builds, each as a subtest.
func Run(t *testing.T, f Factory) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) { c.Run(t, f) })
	}
}

// Serve serves h on a real loopback socket until the test ends and returns its base
// URL ("http://127.0.0.1:port").
type Serve func(tb testing.TB, h http.Handler) string

// RunServed is Run with each proxy served by serve instead of an httptest.Server
// (net/http's server): a different front-end server, such as stage 04's leanserver,
// must keep every behaviour of the table too.
func RunServed(t *testing.T, f Factory, serve Serve) {
	Run(t, func(tb testing.TB, target *url.URL, trust *forwarded.Trust, transport http.RoundTripper) http.Handler {
		return served{Handler: f(tb, target, trust, transport), serve: serve}
	})
}

// served marks a handler that frontend must serve with its own server.
type served struct {
	http.Handler
	serve Serve
}

// Cases returns the behaviour table.
func Cases() []Case {
	return []Case{
		{"copies status headers and body", copiesStatusHeadersBody},
		{"joins target path and query", joinsPathAndQuery},
		{"forwards request body", forwardsRequestBody},
		{"strips hop-by-hop request headers", stripsHopByHopRequest},
		{"strips hop-by-hop response headers", stripsHopByHopResponse},
		{"replaces X-Forwarded-For from untrusted client", replacesUntrustedXFF},
		{"extends X-Forwarded-For from trusted proxy", extendsTrustedXFF},
		{"sets X-Forwarded-Host and -Proto", setsForwardedHostProto},
		{"forwards trailers", forwardsTrailers},
		{"flushes event streams at once", flushesEventStream},
		{"refused upstream gives 502", refusedGives502},
		{"slow upstream gives 504", slowGives504},
		{"client cancellation reaches upstream", cancellationReachesUpstream},
		{"websocket upgrade tunnels bytes", websocketUpgrade},
		{"other upgrades are not forwarded", otherUpgradesDropped},
	}
}
