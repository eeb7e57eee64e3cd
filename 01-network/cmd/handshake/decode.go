package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"gatewaylab/01-network/pcap"
	"gatewaylab/01-network/segment"
)

// endpoint is one side of the conversation.
type endpoint struct {
	addr    netip.AddrPort
	name    string // "client" or "server"
	isn     uint32 // initial sequence number, from its SYN
	hasISN  bool
	wscale  uint8  // window scale it announced in its SYN
	lastSeq uint32 // Seq of its latest segment that took sequence space
	lastLen uint32 // and how much it took
	sawFIN  bool
}

// conversation tracks both endpoints while the segments are replayed.
type conversation struct {
	sides    []*endpoint
	fins     int  // FINs seen so far, to number the teardown steps
	finAcked bool // the first FIN got an ACK of its own
	firstFIN time.Time
	start    time.Time
	previous time.Time
}

func decodeAll(src io.Reader) error {
	r, err := pcap.NewReader(src)
	if err != nil {
		return err
	}
	c := &conversation{}
	for n := 1; ; n++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			c.summary()
			return nil
		}
		if err != nil {
			return err
		}
		if err := c.show(n, r.Header().LinkType, rec); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
	}
}

func (c *conversation) show(n int, link pcap.LinkType, rec pcap.Record) error {
	p, err := pcap.Unwrap(link, rec.Data)
	if errors.Is(err, pcap.ErrNotTCP) {
		fmt.Printf("\n[%d] skipped: %v\n", n, err)
		return nil
	}
	if err != nil {
		return err
	}
	s, err := segment.Decode(p.TCP)
	if err != nil {
		return err
	}
	from := c.side(netip.AddrPortFrom(p.Src, s.SrcPort), s.Flags)
	to := c.side(netip.AddrPortFrom(p.Dst, s.DstPort), 0)
	if s.Flags.Has(segment.SYN) {
		from.isn, from.hasISN = s.Seq, true
		if ws, ok := s.WindowScale(); ok {
			from.wscale = ws
		}
	}
	c.printSegment(n, rec.Time, from, to, &s)
	if s.Len() > 0 {
		from.lastSeq, from.lastLen = s.Seq, s.Len()
	}
	return nil
}

// side returns the endpoint for addr, naming it on first sight: whoever
// sends the first SYN without ACK is the client.
func (c *conversation) side(addr netip.AddrPort, flags segment.Flags) *endpoint {
	for _, e := range c.sides {
		if e.addr == addr {
			return e
		}
	}
	e := &endpoint{addr: addr, name: addr.String()}
	if flags.Has(segment.SYN) && !flags.Has(segment.ACK) {
		e.name = "client"
	} else if len(c.sides) == 1 && c.sides[0].name == "client" {
		e.name = "server"
	}
	c.sides = append(c.sides, e)
	return e
}

func (c *conversation) printSegment(n int, at time.Time, from, to *endpoint, s *segment.Segment) {
	if c.start.IsZero() {
		c.start, c.previous = at, at
	}
	gap := at.Sub(c.previous)
	c.previous = at
	fmt.Printf("\n[%d] +%.3fms  %s %v -> %s %v  %v\n", n, float64(at.Sub(c.start).Microseconds())/1000,
		from.name, from.addr, to.name, to.addr, s.Flags)
	fmt.Printf("    %s  %s  %s\n", seqText(from, s), ackText(to, s), windowText(from, s))
	if len(s.Options) > 0 {
		fmt.Printf("    options: %s\n", optionsText(s.Options))
	}
	fmt.Printf("    %s\n", c.meaning(from, to, s, at, gap))
}

func seqText(from *endpoint, s *segment.Segment) string {
	text := fmt.Sprintf("seq=%d", s.Seq)
	if from.hasISN {
		text += fmt.Sprintf(" (rel %d)", s.Seq-from.isn)
	}
	if len(s.Payload) > 0 {
		text += fmt.Sprintf(" len=%d %q", len(s.Payload), s.Payload)
	}
	return text
}

// ackText spells out which of the peer's segments the ACK covers.
func ackText(peer *endpoint, s *segment.Segment) string {
	if !s.Flags.Has(segment.ACK) {
		return "ack=- (ACK flag not set)"
	}
	text := fmt.Sprintf("ack=%d", s.Ack)
	if peer.lastLen > 0 && s.Ack == peer.lastSeq+peer.lastLen {
		text += fmt.Sprintf(" = %s seq %d + %d%s", peer.name, peer.lastSeq, peer.lastLen, spanNote(peer))
	}
	return text
}

// spanNote names what the peer's last segment spent its sequence space on.
func spanNote(peer *endpoint) string {
	switch {
	case peer.lastSeq == peer.isn && peer.hasISN && peer.lastLen == 1:
		return " (the SYN)"
	case peer.sawFIN && peer.lastLen == 1:
		return " (the FIN)"
	}
	return " (bytes)"
}

func windowText(from *endpoint, s *segment.Segment) string {
	if s.Flags.Has(segment.SYN) || from.wscale == 0 {
		return fmt.Sprintf("win=%d", s.Window) // never scaled in a SYN (RFC 7323)
	}
	return fmt.Sprintf("win=%d<<%d = %d bytes", s.Window, from.wscale, int(s.Window)<<from.wscale)
}

func optionsText(opts []segment.Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.String()
	}
	return strings.Join(parts, ", ")
}
