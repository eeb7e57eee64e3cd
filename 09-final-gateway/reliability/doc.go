// Package reliability attacks and breaks the real gateway on purpose, so that an
// operator does not have to find out in production (issue 13). Its tests build
// cmd/gateway, run it as a process in front of real backends that record what reaches
// them, and assert the outcome:
//
//   - bad input (request smuggling, h2c upgrades, route and auth bypasses, spoofed
//     X-Forwarded-For, oversize and malformed requests, JWTs and gRPC frames, slow
//     clients) gets a clear 4xx or a closed connection, and never reaches a backend it
//     should not;
//   - faults (a target killed or slow, etcd and Redis restarted, an invalid
//     configuration pushed, a shutdown) under load lose nothing: every request either
//     succeeds or fails with the right status, and is counted;
//   - a soak of mixed HTTP, WebSocket, gRPC and TCP load with reloads keeps errors at
//     zero, goroutines flat and memory steady (cmd/soak runs it for as long as asked;
//     TestSoak runs 20 seconds of it).
//
// The figures each test produced are in docs/RELIABILITY.md, with the command that
// reproduces them. Run the suite with:
//
//	go test -race gatewaylab/09-final-gateway/reliability/...
package reliability
