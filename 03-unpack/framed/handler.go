package framed

import "context"

// Handler answers one frame with one reply.
//
// frame is only valid until ServeFrame returns: the connection reuses its
// memory for the next frame. The reply may alias frame, as an echo does.
// ctx is cancelled when the server stops waiting for the handler (a
// shutdown that ran out of time). A non-nil error closes the connection
// and is logged; no reply is sent.
type Handler interface {
	ServeFrame(ctx context.Context, frame []byte) (reply []byte, err error)
}

// HandlerFunc adapts a function to a Handler, as http.HandlerFunc does.
type HandlerFunc func(ctx context.Context, frame []byte) ([]byte, error)

// ServeFrame calls f(ctx, frame).
func (f HandlerFunc) ServeFrame(ctx context.Context, frame []byte) ([]byte, error) {
	return f(ctx, frame)
}

// Echo returns a Handler that replies with the frame it received.
func Echo() Handler {
	return HandlerFunc(func(_ context.Context, frame []byte) ([]byte, error) {
		return frame, nil
	})
}
