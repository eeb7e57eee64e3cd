package flow

// Buffers holds the kernel buffer sizes of one socket, in bytes.
type Buffers struct {
	Send    int // SO_SNDBUF: bytes written but not yet acknowledged by the peer
	Receive int // SO_RCVBUF: bytes received but not yet read by the application
}
