// Package gateway runs a configuration: it opens the listeners, routes each request or
// connection to its service through the route's middleware, and reloads without
// dropping anything.
//
// The request flow:
//
//	listener (http / https+h2 / h2c / tcp / grpc)
//	  -> entry: recover, request id, access log, metrics, client IP (trusted proxies)
//	  -> router: host, path (canonical), method, headers; longest match; 404 on no route
//	  -> route middleware (onion): shed, IP filter, auth, rate limits, concurrency,
//	     body limit, timeout, breaker + fallback, headers, strip prefix, rewrite
//	  -> service: balancer over healthy targets, proxy, retries
//	  -> target
//
// Everything built from one configuration is a Snapshot, swapped atomically on reload.
// Services whose configuration did not change are carried over with their live state,
// so health checks, balancer state and pooled connections survive a reload, and
// requests, WebSockets and TCP sessions in flight are never cut by one.
package gateway
