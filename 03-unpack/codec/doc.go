// Package codec cuts a TCP byte stream into messages (frames) and back.
//
// TCP delivers bytes, not messages: two writes can arrive in one read
// (粘包, "sticky packets") and one write can arrive in several reads
// (拆包, "split packets"). A framing puts the message boundaries into the
// bytes themselves so the receiver can find them again. This package offers
// the three classic framings behind one interface, [Codec]:
//
//	LengthPrefixed  "12345678" | uint32 big-endian length | payload
//	                (the course's wire format: any payload, up to a maximum)
//	FixedLength     payload | pad bytes up to the record size
//	                (no header at all; payloads must not end in the pad byte)
//	Delimited       payload | delimiter ('\n' by default)
//	                (text friendly, works with nc; payloads must not contain it)
//
// # Safety
//
// A decoder reads data a stranger controls, so every decoder here:
//
//   - checks the maximum frame size before it allocates anything
//     ([DefaultMaxFrameSize], 1 MiB, unless configured);
//   - never allocates what the peer merely claims: a buffer grows in bounded
//     steps as bytes actually arrive, so a header that claims 1 MiB and is
//     followed by 10 bytes costs a few KiB, not 1 MiB;
//   - reports a stream that ends inside a frame as [io.ErrUnexpectedEOF]
//     (wrapped, test with errors.Is) and a stream that ends cleanly between
//     frames as a bare [io.EOF];
//   - passes reader errors (timeouts, resets) through wrapped, so errors.Is
//     and errors.As still see them.
//
// After any decode error other than io.EOF the position in the stream is
// unknown (a bad magic means the two sides disagree about where frames start),
// so the only safe reaction is to close the connection.
//
// # Performance
//
// Decode writes the payload into the caller's buffer and returns it, so a
// loop that feeds the returned slice back in decodes with zero allocations
// once the buffer has grown to the largest frame:
//
//	var buf []byte
//	for {
//		frame, err := c.Decode(r, buf)
//		if err != nil { ... }
//		buf = frame // reuse the memory for the next frame
//	}
//
// Wrap connections in a [bufio.Reader] and [bufio.Writer]: the length decoder
// then costs no system call per header field, the delimiter decoder scans the
// buffer instead of reading byte by byte, and Encode copies header, payload
// and trailer into the writer's free buffer without allocating.
package codec
