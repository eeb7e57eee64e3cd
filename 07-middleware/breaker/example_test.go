package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gatewaylab/07-middleware/breaker"
)

// Execute runs the call in the caller's goroutine with a deadline; it returns only when
// the call has returned, so nothing keeps running behind the caller's back.
func ExampleCircuit_Execute() {
	c, err := breaker.NewCircuit(breaker.CircuitConfig{
		Name:                   "example-orders",
		RequestVolumeThreshold: 20,
		Timeout:                20 * time.Millisecond,
	})
	if err != nil {
		panic(err)
	}
	err = c.Execute(context.Background(), func(ctx context.Context) error { return nil })
	fmt.Println("fast call:", err)

	err = c.Execute(context.Background(), func(ctx context.Context) error {
		<-ctx.Done() // a stuck upstream, released by the deadline
		return ctx.Err()
	})
	fmt.Println("stuck call timed out:", errors.Is(err, breaker.ErrTimeout))
	fmt.Println("state:", c.State()) // 2 calls are below the volume threshold of 20
	// Output:
	// fast call: <nil>
	// stuck call timed out: true
	// state: closed
}
