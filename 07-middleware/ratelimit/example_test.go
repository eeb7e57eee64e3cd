package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"gatewaylab/07-middleware/ratelimit"
)

// Two requests per second with a burst of 2: the third request in the same instant is
// refused with 429 and told when to come back.
func Example() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h, err := ratelimit.New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "hello")
	}), ratelimit.Config{
		Name:    "demo",
		Policy:  ratelimit.Policy{Rate: 2, Burst: 2},
		Limiter: ratelimit.NewLocal(ratelimit.LocalConfig{Now: func() time.Time { return now }}),
	})
	if err != nil {
		panic(err)
	}
	for range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		fmt.Println(rec.Code, rec.Header().Get("RateLimit"), "retry-after="+rec.Header().Get("Retry-After"))
	}
	// Output:
	// 200 "demo";r=1;t=1 retry-after=
	// 200 "demo";r=0;t=1 retry-after=
	// 429 "demo";r=0;t=1 retry-after=1
}

// The Limiter can be called without HTTP, as the gRPC interceptors do.
func ExampleLocal_Allow() {
	l := ratelimit.NewLocal(ratelimit.LocalConfig{Now: func() time.Time { return time.Unix(0, 0) }})
	p := ratelimit.Policy{Rate: 10, Burst: 1}
	for range 2 {
		d, err := l.Allow(context.Background(), "svc:orders", p)
		fmt.Println(d.Allowed, d.RetryAfter, err)
	}
	// Output:
	// true 0s <nil>
	// false 100ms <nil>
}
