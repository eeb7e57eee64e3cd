package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"gatewaylab/08-grpc-ws/echopb"
)

// grpcWorkers opens conns client connections and spreads n workers over them; each
// worker makes one unary Echo call at a time.
func grpcWorkers(ctx context.Context, addr string, n, conns, size int) ([]worker, func(), error) {
	msg := strings.Repeat("g", size)
	ccs := make([]*grpc.ClientConn, 0, conns)
	closeAll := func() {
		for _, cc := range ccs {
			cc.Close()
		}
	}
	for range max(conns, 1) {
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("grpc client %s: %w", addr, err)
		}
		ccs = append(ccs, cc)
	}
	// One call per connection first, so that a wrong address fails here, not silently
	// as errors during the run.
	for _, cc := range ccs {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := echopb.NewEchoClient(cc).UnaryEcho(ctx, &echopb.EchoRequest{Message: msg})
		cancel()
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("first call to %s: %w", addr, err)
		}
	}
	workers := make([]worker, n)
	for i := range workers {
		client := echopb.NewEchoClient(ccs[i%len(ccs)])
		workers[i] = func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, err := client.UnaryEcho(ctx, &echopb.EchoRequest{Message: msg})
			return err
		}
	}
	return workers, closeAll, nil
}
