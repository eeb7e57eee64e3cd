// Package tcpecho is a line-echo protocol over TCP: the server side is a
// tcpserver.Handler, the client side dials with timeouts and exchanges one
// line per request.
//
// A line ends with '\n' and is at most MaxLineBytes long including the '\n'.
// Lines are the simplest message boundary TCP can carry: TCP itself delivers
// a byte stream, so without one the receiver cannot tell where a message ends
// (粘包/拆包, the subject of 03-unpack). The limit matters just as much: a
// reader that waits for '\n' without one lets any client make it buffer
// without end.
package tcpecho

import "errors"

// DefaultMaxLineBytes is the line limit when none is configured.
const DefaultMaxLineBytes = 4096

// Errors the client returns; each is wrapped with context.
var (
	// ErrLineTooLong means a line (with its '\n') exceeds the limit.
	ErrLineTooLong = errors.New("tcpecho: line too long")
	// ErrNewline means a line to send contains '\n', which would split it.
	ErrNewline = errors.New("tcpecho: line contains a newline")
	// ErrRemote means the server answered with an error line ("ERR ...").
	ErrRemote = errors.New("tcpecho: server error")
	// ErrUnexpectedReply means the reply is neither the echo nor an error.
	ErrUnexpectedReply = errors.New("tcpecho: unexpected reply")
)

// errPrefix starts every error line the server sends.
const errPrefix = "ERR "

func maxLine(n int) int {
	if n <= 0 {
		return DefaultMaxLineBytes
	}
	return n
}
