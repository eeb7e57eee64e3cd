// Package framed serves and calls request/reply protocols over TCP, one
// frame per message, using any framing from package codec.
//
// A [Server] reads a frame, hands it to a [Handler], and writes the reply as
// a frame, for as many frames as the connection sends. Because the framing
// restores message boundaries, it does not matter how TCP merged or split
// the bytes (粘包/拆包): a hundred frames written back to back are a hundred
// handler calls.
//
// Every connection is bounded: an idle timeout between frames, a read
// timeout for one frame once its first byte arrived, a write timeout for
// the reply, and the codec's maximum frame size. A connection that breaks a
// rule is closed and the reason is logged. Cancelling Serve's context shuts
// down gracefully: the listener closes, idle connections close at once,
// frames being handled finish and get their replies, and connections still
// busy after ShutdownTimeout are closed.
//
// A [Client] sends one frame and waits for its reply, under a deadline.
package framed
