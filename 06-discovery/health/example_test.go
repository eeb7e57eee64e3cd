package health_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"gatewaylab/06-discovery/health"
)

// A checker over two targets; the second stops answering after two probes and is
// marked unhealthy after Fall (3) failures in a row. Subscribers see the set only when
// it changes.
func Example() {
	var probesOfB atomic.Int32
	prober := health.ProberFunc(func(ctx context.Context, addr string) error {
		if addr == "10.0.0.2:80" && probesOfB.Add(1) > 2 {
			return errors.New("connection refused")
		}
		return nil
	})
	checker, err := health.New(health.Config{
		Prober: prober, Interval: time.Millisecond, Jitter: -1, Fall: 3,
		Initial: health.InitialHealthy,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	checker.SetTargets([]string{"10.0.0.1:80", "10.0.0.2:80"})

	ctx, cancel := context.WithCancel(context.Background())
	updates := checker.Subscribe(ctx)
	done := make(chan error)
	go func() { done <- checker.Run(ctx) }()
	for states := range updates {
		fmt.Println("healthy:", states.Healthy())
		if states["10.0.0.2:80"] == health.Unhealthy {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		fmt.Println(err)
	}
	st := checker.Statuses()[1]
	fmt.Printf("%s is %s: %s\n", st.Addr, st.State, st.LastError)
	// Output:
	// healthy: [10.0.0.1:80 10.0.0.2:80]
	// healthy: [10.0.0.1:80]
	// 10.0.0.2:80 is unhealthy: connection refused
}

// An HTTP probe passes on an expected status and fails, with an error saying why, on
// any other.
func ExampleHTTP() {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer backend.Close()
	addr := backend.Listener.Addr().String()

	for _, path := range []string{"/healthz", "/missing"} {
		probe, err := health.HTTP(health.HTTPConfig{Path: path, Expect: health.StatusRanges{{200, 299}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		err = probe.Probe(context.Background(), addr)
		fmt.Printf("%s: passed=%v unexpected status=%v\n", path, err == nil, errors.Is(err, health.ErrUnexpectedStatus))
	}
	// Output:
	// /healthz: passed=true unexpected status=false
	// /missing: passed=false unexpected status=true
}

func ExampleParseStatusRanges() {
	rs, err := health.ParseStatusRanges("2xx, 301-302")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rs, rs.Contains(204), rs.Contains(304))
	// Output: 200-299,301-302 true false
}
