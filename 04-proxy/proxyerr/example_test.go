package proxyerr_test

import (
	"context"
	"fmt"
	"syscall"

	"gatewaylab/04-proxy/proxyerr"
)

func ExampleStatus() {
	for _, err := range []error{
		fmt.Errorf("dial 10.0.0.7:80: %w", syscall.ECONNREFUSED),
		fmt.Errorf("read response: %w", context.DeadlineExceeded),
		proxyerr.ErrNoUpstream,
	} {
		code, reason := proxyerr.Status(err)
		fmt.Println(code, reason)
	}
	// Output:
	// 502 upstream refused the connection
	// 504 upstream timed out
	// 503 no upstream available
}
