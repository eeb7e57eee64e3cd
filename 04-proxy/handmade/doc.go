// Package handmade is a reverse proxy (反向代理) built by hand, in the steps a learner can
// follow, so that nothing the production proxy does is magic.
//
// Step 1, [Minimal], is the smallest proxy that is not wrong about the basics: it sends
// the request to the upstream and copies back the status, the headers and the body, and
// answers 502 rather than an empty 200 when the upstream cannot be reached. Its tests
// show what it still gets wrong.
//
// Step 2, [Proxy], is the correct one. Each of its steps is a named function with its
// own test, in the order net/http/httputil.ReverseProxy runs them:
//
//  1. outgoingRequest: clone the request onto the client's context, so that a client
//     that hangs up cancels the upstream call, and point it at the target;
//  2. hopbyhop.RemoveFromRequest: drop connection-level headers (Connection tokens first,
//     then the fixed list), keeping "TE: trailers";
//  3. keepUpgrade: put back Connection/Upgrade for a WebSocket upgrade, and only for that;
//  4. forwarded.Trust.SetHeaders: X-Forwarded-For/-Host/-Proto, believing the client's
//     copies only when it is a trusted proxy;
//  5. RoundTrip, with errors mapped to 502/503/504 by proxyerr;
//  6. switchProtocols for a 101 answer: hijack the client connection and copy bytes both
//     ways until either side closes;
//  7. copy status and end-to-end headers, announcing trailers;
//  8. copyBody, flushing after every write when the response streams
//     (text/event-stream, or no Content-Length);
//  9. copyTrailers after the body.
package handmade
