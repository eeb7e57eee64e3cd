// Package leanserver serves HTTP/1.x to an http.Handler with less work per request
// than net/http's server, for the plain-HTTP listeners of a gateway.
//
// Why it exists: a proxy's request costs little of its own; what it pays is the
// machinery around it. net/http's server starts a goroutine for every request whose
// body is done, parks it in a one-byte read so that the request's context can be
// cancelled if the client leaves, and wakes it again (a deadline in the past) when the
// handler returns: one more system call, a goroutine start and two goroutine
// hand-offs per request, all for the rare request that outlives its client. Measured
// through the final gateway (issue 12, perf stat), it made 7.2 system calls a request
// where the cheapest possible Go proxy makes 6.3; with this server the gateway makes
// 6.3. And net/http keeps a connection's 8 KiB of buffers while it waits for the next
// request: this server gives them back (12 KiB per idle keep-alive connection in the
// gateway instead of 22.6). This server keeps net/http's parsing and semantics but
// runs a request on the connection's goroutine and watches for a departed client only
// when the request is slow: after WatchAfter (25 ms) a timer starts the same one-byte
// read, so long polls, streams and slow upstreams still see their context cancelled
// when the client goes, and the fast requests that make up a gateway's load pay
// nothing.
//
// What it does, per connection, in the order a request meets it:
//
//   - waits for the first byte under the idle timeout (the header timeout for the
//     first request), then reads the head with http.ReadRequest (net/http's own
//     parser) under ReadHeaderTimeout and a MaxHeaderBytes limit (431 beyond it);
//   - refuses what net/http refuses, with the same status: a version other than
//     HTTP/1.x (505), a missing, repeated or malformed Host (400), invalid header
//     names or values (400), a transfer coding other than chunked (501), an Expect
//     other than 100-continue (417);
//   - answers "100 Continue" when the handler first reads a body that asked for it;
//   - calls the handler with a ResponseWriter that frames the response itself:
//     Content-Length when the handler set it or finished within 2 KiB, chunked
//     otherwise (close-delimited for HTTP/1.0), trailers (declared or with
//     http.TrailerPrefix), 1xx informational responses (103 Early Hints), Flush,
//     Hijack (WebSocket), and the deadlines of http.ResponseController;
//   - after the handler, discards up to 256 KiB of an unread request body or else
//     closes the connection, and keeps the connection only when both sides allow it.
//
// What it does not do: TLS and HTTP/2. A listener with TLS keeps net/http's server; a
// connection that opens with the HTTP/2 preface (h2c with prior knowledge) is handed,
// bytes intact, to the net/http server in Server.H2C. Pipelined requests are served
// in order.
package leanserver
