// Package tcpserver is a small, reusable TCP server in the shape of
// net/http.Server: a Server with an Addr, a Handler and timeouts, plus Serve,
// ListenAndServe, Shutdown and Close.
//
// It fixes what the course's TcpServer got wrong:
//
//   - every connection is tracked and closed, including on Close;
//   - deadlines are per read and per write (an idle timeout and a
//     whole-message read timeout), not one absolute deadline set at accept, so
//     a quiet client is cut and a slow-drip client cannot hold a goroutine
//     forever;
//   - temporary Accept errors (EMFILE when out of file descriptors, ENOBUFS...)
//     back off from 5 ms to 1 s instead of busy-spinning;
//   - MaxConns bounds concurrent connections by not accepting past the limit;
//   - Shutdown stops accepting, closes idle connections, lets busy handlers
//     finish their current exchange and force-closes whatever is left when its
//     context expires;
//   - Close is idempotent and safe before Serve.
//
// # Idle connections
//
// TCP carries bytes, not requests, so the server cannot know where one message
// ends. It uses the request/response rhythm instead: a connection is idle when
// the handler waits to read and nothing has arrived since the handler last
// wrote (or since accept). During Shutdown an idle read returns io.EOF, so a
// handler that loops "read a request, write a reply" until EOF exits cleanly
// after its current reply. Handlers that stream in both directions (tunnels)
// are closed when Shutdown's context expires.
package tcpserver
