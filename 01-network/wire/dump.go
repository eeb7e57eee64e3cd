package wire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Dump writes chunks one line per line of bytes, prefixed "> " for Sent and
// "< " for Received, with \r and \n written out as escapes so the line
// endings HTTP requires can be seen. Other control bytes and invalid UTF-8
// appear as \xNN.
func Dump(w io.Writer, chunks []Chunk) error {
	bw := bufio.NewWriter(w)
	for _, c := range chunks {
		prefix := "> "
		if c.Dir == Received {
			prefix = "< "
		}
		for line := range bytes.Lines(c.Data) {
			bw.WriteString(prefix)
			bw.WriteString(escape(line))
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// escape shows b as text with non-printing bytes escaped.
func escape(b []byte) string {
	var out []byte
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == '\r':
			out = append(out, `\r`...)
		case r == '\n':
			out = append(out, `\n`...)
		case r == '\\':
			out = append(out, `\\`...)
		case r == utf8.RuneError && size == 1, !strconv.IsPrint(r):
			for _, c := range b[:size] {
				out = fmt.Appendf(out, `\x%02x`, c)
			}
		default:
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return string(out)
}
