package udp

import "fmt"

// Status bytes that start every reply.
const (
	statusOK    byte = '+'
	statusError byte = '-'
)

// AppendReply appends a success reply carrying payload to dst.
func AppendReply(dst, payload []byte) []byte {
	return append(append(dst, statusOK), payload...)
}

// AppendError appends an error reply carrying msg to dst.
func AppendError(dst []byte, msg string) []byte {
	return append(append(dst, statusError), msg...)
}

// ParseReply decodes a reply. It returns the payload of a success reply, an
// error wrapping ErrRemote for an error reply, and ErrMalformedReply for
// anything else. The payload aliases b.
func ParseReply(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty datagram", ErrMalformedReply)
	}
	switch b[0] {
	case statusOK:
		return b[1:], nil
	case statusError:
		return nil, fmt.Errorf("%w: %s", ErrRemote, b[1:])
	}
	return nil, fmt.Errorf("%w: status byte %q", ErrMalformedReply, b[0])
}
