package codec

import (
	"io"
	"net"
)

// bufferedWriter is a writer with a free buffer to append into:
// *bufio.Writer and *bytes.Buffer. Encoding straight into that buffer
// needs no allocation and no extra copy.
type bufferedWriter interface {
	io.Writer
	AvailableBuffer() []byte
}

// writeBuffered writes one frame whose head has already been appended to
// w.AvailableBuffer(). Small frames go out in a single Write of that buffer;
// larger ones are written part by part, and *bufio.Writer passes a large
// body straight through to the connection.
func writeBuffered(w io.Writer, head, body, tail []byte) error {
	if len(head)+len(body)+len(tail) <= cap(head) {
		frame := append(append(head, body...), tail...)
		_, err := w.Write(frame)
		return err
	}
	for _, part := range [...][]byte{head, body, tail} {
		if len(part) == 0 {
			continue
		}
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// writeGathered writes one frame to an unbuffered writer. net.Buffers turns
// the parts into a single writev system call on a *net.TCPConn, so the peer
// never sees a header in one segment and its payload in the next; on other
// writers it writes the parts in order.
func writeGathered(w io.Writer, head, body, tail []byte) error {
	parts := net.Buffers{head, body, tail}
	_, err := parts.WriteTo(w)
	return err
}

// writeFrame writes body followed by tail (both with no header), choosing
// the buffered or gathered path.
func writeFrame(w io.Writer, body, tail []byte) error {
	if bw, ok := w.(bufferedWriter); ok {
		return writeBuffered(bw, bw.AvailableBuffer(), body, tail)
	}
	return writeGathered(w, nil, body, tail)
}
