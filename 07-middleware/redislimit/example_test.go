package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"gatewaylab/07-middleware/ratelimit"
	"gatewaylab/07-middleware/redislimit"
)

// With Redis unreachable (nothing listens on port 1), each limit falls back to its own
// choice: the public API stays open, the payment API closes.
func Example_failMode() {
	client := redis.NewClient(&redis.Options{
		Addr: "127.0.0.1:1", ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1,
	})
	defer client.Close()
	p := ratelimit.Policy{Rate: 100, Burst: 100}
	for _, mode := range []redislimit.FailMode{redislimit.FailOpen, redislimit.FailClosed} {
		l, err := redislimit.New(redislimit.Config{Client: client, FailMode: mode, Timeout: time.Second})
		if err != nil {
			panic(err)
		}
		d, err := l.Allow(context.Background(), "api", p)
		fmt.Printf("%s: allowed=%v unavailable=%v\n", mode, d.Allowed, errors.Is(err, redislimit.ErrUnavailable))
	}
	// Output:
	// fail-open: allowed=true unavailable=true
	// fail-closed: allowed=false unavailable=true
}
