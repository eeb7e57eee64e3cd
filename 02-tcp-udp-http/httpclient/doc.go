// Package httpclient builds the pooled HTTP client (连接池) a gateway uses to
// talk to its upstreams, with the course's transport settings, and the two
// habits that keep the pool working: every response body is drained and
// closed, and draining is bounded.
//
// # Why bodies must be drained
//
// http.Transport returns a keep-alive connection to its idle pool only after
// the previous response body was read to EOF and closed. Close a body early
// and the connection is thrown away; forget to close it and the connection
// (and a goroutine) leaks. Either way the next request pays for a new TCP
// handshake (and TLS handshake), and the closed sockets pile up in TIME_WAIT
// (see 01-network). Draining has to stop somewhere, though: reading a 1 GiB
// body nobody wants costs more than a new connection. DrainAndClose reads at
// most a limit, then gives up the connection.
package httpclient
