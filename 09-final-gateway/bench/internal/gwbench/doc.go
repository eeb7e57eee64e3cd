// Package gwbench holds the gateway's in-process benchmarks: a whole request through
// the gateway (listener, routing, middleware, proxy, pooled upstream connection) on
// real loopback sockets, for before/after comparisons of a hot-path change with
// benchstat. It has benchmarks only: `go test` compiles them and runs nothing.
//
//	go test -run '^$' -bench . -benchmem -count 8 gatewaylab/09-final-gateway/bench/internal/gwbench > old.txt
//	(apply the change)
//	go test -run '^$' -bench . -benchmem -count 8 gatewaylab/09-final-gateway/bench/internal/gwbench > new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest old.txt new.txt
package gwbench
