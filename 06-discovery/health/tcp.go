package health

import (
	"context"
	"fmt"
	"net"
)

// TCP returns a Prober that passes when a TCP connection to the target can be opened
// (and closes it at once). It is the course's only check, and the right one for L4
// services; for HTTP services prefer HTTP, because a process can accept connections
// and still be unable to answer.
func TCP() Prober {
	var d net.Dialer
	return ProberFunc(func(ctx context.Context, addr string) error {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("tcp probe %s: %w", addr, err)
		}
		if err := c.Close(); err != nil {
			return fmt.Errorf("tcp probe %s: close: %w", addr, err)
		}
		return nil
	})
}
