package chain_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/04-proxy/forwarded"
	"gatewaylab/07-middleware/accesslog"
	"gatewaylab/07-middleware/bodylimit"
	"gatewaylab/07-middleware/breaker"
	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/clientip"
	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/headers"
	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/ipfilter"
	"gatewaylab/07-middleware/jwtauth"
	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/recovery"
	"gatewaylab/07-middleware/requestid"
	"gatewaylab/07-middleware/rewrite"
	"gatewaylab/07-middleware/slicerouter"
	"gatewaylab/07-middleware/stripprefix"
)

// gatewayChain is the per-route chain of DESIGN.md's request flow, minus the proxy:
// recover -> request id -> access log -> client ip -> flow count -> IP filter -> JWT ->
// rate limit -> breaker -> headers -> strip prefix -> rewrite -> body limit.
func gatewayChain(b *testing.B, secret []byte) http.Handler {
	b.Helper()
	verifier, err := jwtauth.NewVerifier(jwtauth.VerifierConfig{
		Keys: []jwtauth.Key{{ID: "k1", Algorithm: jwtauth.HS256, Secret: secret}}, Issuer: "gw", Audience: "orders",
	})
	if err != nil {
		b.Fatal(err)
	}
	stats, err := flowcount.NewStats(flowcount.StatsConfig{})
	if err != nil {
		b.Fatal(err)
	}
	h, err := chain.New(
		chain.Use(recovery.New, recovery.Config{}),
		chain.Use(requestid.New, requestid.Config{}),
		chain.Use(accesslog.New, accesslog.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Route: "orders"}),
		chain.Use(clientip.New, clientip.Config{Trust: forwarded.MustParseTrust("10.0.0.0/8")}),
		chain.Use(flowcount.New, flowcount.Config{Stats: stats, Names: []flowcount.NameFunc{flowcount.Service("orders")}}),
		chain.Use(ipfilter.New, ipfilter.Config{Deny: []string{"198.51.100.0/24"}}),
		chain.Use(jwtauth.New, jwtauth.Config{Verifier: verifier}),
		chain.Use(ratelimit.New, ratelimit.Config{Name: "orders-ip", Policy: ratelimit.Policy{Rate: 1e9, Burst: 1e9}, Key: ratelimit.ByClientIP()}),
		chain.Use(breaker.New, breaker.Config{CircuitConfig: breaker.CircuitConfig{Name: "bench-chain-" + b.Name(), MaxConcurrentRequests: 100}}),
		chain.Use(headers.New, headers.Config{Request: headers.Rules{Set: map[string]string{"X-Gateway": "gatewaylab"}}}),
		chain.Use(stripprefix.New, stripprefix.Config{Prefixes: []string{"/orders"}}),
		chain.Use(rewrite.New, rewrite.Config{Rules: []rewrite.Rule{{Match: `^/v1/(.*)`, Replace: "/api/$1"}}}),
		chain.Use(bodylimit.New, bodylimit.Config{MaxBytes: 1 << 20}),
	).Then(benchutil.OK)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkGatewayChain is the whole chain's overhead per request, JWT (HS256) included.
func BenchmarkGatewayChain(b *testing.B) {
	secret := []byte("bench-secret-bench-secret-bench-secret!")
	h := gatewayChain(b, secret)
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer: "gw", Audience: jwt.ClaimStrings{"orders"}, Subject: "app_a",
		ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}).SignedString(secret)
	if err != nil {
		b.Fatal(err)
	}
	benchutil.Run(b, h, func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/orders/v1/items", nil)
		r.RemoteAddr = "10.0.0.5:40000"
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		r.Header.Set("Authorization", "Bearer "+token)
		return r
	}, 200)
}

// BenchmarkNewRequest is the cost of building the benchmark's request, to subtract.
func BenchmarkNewRequest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/orders/v1/items", nil)
		r.Header.Set("Authorization", "Bearer x")
	}
}

// The composition itself: ten layers that do nothing, as a chain and as a slice router.
func BenchmarkComposition(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	b.Run("chain", func(b *testing.B) {
		ctors := make([]chain.Constructor, 10)
		for i := range ctors {
			ctors[i] = chain.Wrap(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
			})
		}
		h, err := chain.New(ctors...).Then(benchutil.OK)
		if err != nil {
			b.Fatal(err)
		}
		benchutil.Run(b, h, func() *http.Request { return r }, 200)
	})
	b.Run("slicerouter", func(b *testing.B) {
		sr := slicerouter.New()
		for range 10 {
			sr.Group("/api").Use(func(c *slicerouter.Context) { c.Next() })
		}
		benchutil.Run(b, sr.Handler(benchutil.OK), func() *http.Request { return r }, 200)
	})
}
