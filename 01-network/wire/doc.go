// Package wire makes application protocols visible as the bytes they put on
// a TCP connection: a [Tap] records what goes each way through a net.Conn
// and [Dump] prints it with the \r\n line endings shown, and the WebSocket
// opening handshake (RFC 6455 section 4) is implemented with the standard
// library only, so every header of it can be read in the dump.
//
// The handshake is an ordinary HTTP/1.1 GET with "Upgrade: websocket". The
// server proves it understood (and is not a cache replaying an old answer)
// by hashing the client's random Sec-WebSocket-Key with a fixed GUID:
// Sec-WebSocket-Accept = base64(SHA-1(key + GUID)). After the 101 response
// the same TCP connection carries WebSocket frames instead of HTTP.
package wire
