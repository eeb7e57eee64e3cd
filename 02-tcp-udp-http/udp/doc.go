// Package udp is a request/response server and client over UDP, built for a
// network that loses, duplicates and reorders datagrams.
//
// UDP keeps message boundaries (one write, one datagram, one read) but
// promises nothing else: no delivery, no order, no retransmission, no flow
// control. So the two sides here do what TCP would otherwise do for them:
//
//   - the Client waits a bounded time for each reply and retries with
//     exponential backoff, then gives up with ErrNoReply;
//   - both sides bound datagram sizes and say so clearly (ErrTooLarge,
//     ErrTruncated, a "-request larger than ..." reply) instead of silently
//     cutting data, which is what a short read buffer does to a datagram;
//   - LossyConn drops datagrams on purpose, so tests and demos can watch the
//     retries work.
//
// # Wire format
//
// A request is the raw payload. A reply is one status byte and a payload:
// '+' and the answer, or '-' and an error message (the convention of Redis's
// RESP simple strings). It reads well in a terminal:
//
//	$ printf hello | nc -u -w1 127.0.0.1 9091
//	+hello
//
// Retrying is only safe for idempotent requests: when the reply (not the
// request) is lost, the server has already done the work once, and the retry
// makes it do it again.
package udp

import "errors"

// DefaultMaxDatagram is the default limit on a datagram, request or reply:
// an Ethernet MTU of 1500 bytes minus the 20-byte IPv4 and 8-byte UDP
// headers. Anything larger is fragmented by IP, and losing one fragment loses
// the whole datagram.
const DefaultMaxDatagram = 1472

// Errors returned by the client, wrapped with context.
var (
	// ErrNoReply means no reply arrived after every attempt.
	ErrNoReply = errors.New("udp: no reply")
	// ErrTooLarge means the request exceeds the datagram limit.
	ErrTooLarge = errors.New("udp: datagram too large")
	// ErrTruncated means the reply did not fit the receive buffer, so the
	// kernel cut it: what arrived is not the whole reply.
	ErrTruncated = errors.New("udp: reply truncated")
	// ErrRemote means the server answered with an error reply.
	ErrRemote = errors.New("udp: server error")
	// ErrMalformedReply means the reply has no valid status byte.
	ErrMalformedReply = errors.New("udp: malformed reply")
)

func maxDatagram(n int) int {
	if n <= 0 {
		return DefaultMaxDatagram
	}
	return n
}
