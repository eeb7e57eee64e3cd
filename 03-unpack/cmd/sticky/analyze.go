package main

import (
	"fmt"
	"strings"
)

// piece is the part of message msg (1-based) that one read holds.
type piece struct {
	msg        int
	start, end bool // the read holds the message's first / last byte
}

func (p piece) String() string {
	switch {
	case p.start && p.end:
		return fmt.Sprintf("#%d", p.msg)
	case p.start:
		return fmt.Sprintf("start of #%d", p.msg)
	case p.end:
		return fmt.Sprintf("end of #%d", p.msg)
	default:
		return fmt.Sprintf("middle of #%d", p.msg)
	}
}

// partsOf lists the message pieces in chunks[i], using the message lengths
// the demo knows (the server, of course, does not).
func partsOf(msgs, chunks [][]byte, i int) []piece {
	from := 0
	for _, c := range chunks[:i] {
		from += len(c)
	}
	to := from + len(chunks[i])
	var parts []piece
	offset := 0
	for n, m := range msgs {
		mStart, mEnd := offset, offset+len(m)
		offset = mEnd
		if mEnd <= from || mStart >= to {
			continue
		}
		parts = append(parts, piece{msg: n + 1, start: mStart >= from, end: mEnd <= to})
	}
	return parts
}

func describe(parts []piece) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.String()
	}
	return strings.Join(names, " + ")
}

// readStats counts what the reads did to the messages.
type readStats struct {
	oneWhole int // reads holding exactly one whole message
	merged   int // reads holding pieces of two or more messages
	split    int // messages spread over two or more reads
}

func summarize(msgs, chunks [][]byte) readStats {
	var s readStats
	for i := range chunks {
		parts := partsOf(msgs, chunks, i)
		switch {
		case len(parts) > 1:
			s.merged++
		case len(parts) == 1 && parts[0].start && parts[0].end:
			s.oneWhole++
		}
		for _, p := range parts {
			if p.start && !p.end {
				s.split++ // the message continues in a later read
			}
		}
	}
	return s
}
