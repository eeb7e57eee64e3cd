package main

import (
	"fmt"
	"time"

	"gatewaylab/01-network/segment"
)

// delayedAckGap is the pause after which a pure ACK is called delayed.
const delayedAckGap = 20 * time.Millisecond

// meaning explains one segment's role in the conversation.
func (c *conversation) meaning(from, to *endpoint, s *segment.Segment, at time.Time, gap time.Duration) string {
	f := s.Flags
	switch {
	case f.Has(segment.RST):
		return "RST: the connection is aborted; no teardown follows."
	case f.Has(segment.SYN) && !f.Has(segment.ACK):
		return "三次握手 1/3: the client picks its initial sequence number (ISN) and offers its options.\n" +
			"    A SYN carries no data but takes one sequence number, so the server will ACK ISN + 1."
	case f.Has(segment.SYN):
		return "三次握手 2/3: the server ACKs the client's SYN (Ack = Seq + 1) and sends its own ISN,\n" +
			"    two jobs in one segment. Window scale and SACK are on because both SYNs offered them."
	case f.Has(segment.FIN):
		return c.finMeaning(from, at)
	case len(s.Payload) > 0:
		return fmt.Sprintf("data: %d bytes; seq numbers the first byte, so the peer will ACK seq + %d.", len(s.Payload), len(s.Payload))
	}
	return c.ackMeaning(from, to, s, gap)
}

func (c *conversation) finMeaning(from *endpoint, at time.Time) string {
	c.fins++
	from.sawFIN = true
	if c.fins == 1 {
		c.firstFIN = at
		return fmt.Sprintf("四次挥手 1/4: the %s has no more to send (its Close): FIN, and it enters FIN_WAIT1.\n"+
			"    Like a SYN, a FIN takes one sequence number.", from.name)
	}
	after := short(at.Sub(c.firstFIN))
	if !c.finAcked {
		return fmt.Sprintf("四次挥手 2/4 and 3/4 in one segment: %v after the first FIN the %s closes, and its\n"+
			"    FIN carries the ACK of that FIN: a three-segment teardown.", after, from.name)
	}
	return fmt.Sprintf("四次挥手 3/4: %v after the first FIN, the %s's application closes too: its FIN;\n"+
		"    it enters LAST_ACK.", after, from.name)
}

// ackMeaning explains a segment that only acknowledges.
func (c *conversation) ackMeaning(from, to *endpoint, s *segment.Segment, gap time.Duration) string {
	if to.lastLen == 0 || s.Ack != to.lastSeq+to.lastLen {
		return "a pure ACK (window update or duplicate)."
	}
	delayed := ""
	if gap > delayedAckGap {
		delayed = fmt.Sprintf("\n    It came %v late: a delayed ACK. The kernel waited in case it could ride on data or a FIN.",
			short(gap))
	}
	switch {
	case to.lastSeq == to.isn && to.lastLen == 1 && to.hasISN:
		return "三次握手 3/3: the client ACKs the server's SYN (Ack = Seq + 1). Both sides are ESTABLISHED;\n" +
			"    this segment could already have carried data."
	case to.sawFIN && from.sawFIN:
		return fmt.Sprintf("四次挥手 4/4: the last ACK. The %s's socket is CLOSED; the %s, which closed first,\n"+
			"    stays in TIME_WAIT for 2MSL.", to.name, from.name) + delayed
	case to.sawFIN:
		c.finAcked = true
		return fmt.Sprintf("四次挥手 2/4: the %s ACKs the FIN (Ack = Seq + 1). It is now in CLOSE_WAIT; the %s in FIN_WAIT2.",
			from.name, to.name) + delayed
	}
	return fmt.Sprintf("ACK of %d bytes: Ack = Seq + len, the next byte the %s expects.", to.lastLen, from.name) + delayed
}

// summary closes the replay with the totals per side.
func (c *conversation) summary() {
	fmt.Println("\nSummary:")
	for _, e := range c.sides {
		if !e.hasISN {
			continue
		}
		fmt.Printf("  %s %v: ISN %d, window scale %d\n", e.name, e.addr, e.isn, e.wscale)
	}
	fmt.Println("Each side numbers its own bytes from its ISN; every ACK names the next number it expects.")
	fmt.Println("Capture your own: tcpdump -i lo -w my.pcap 'tcp port 8099' & go run ./01-network/cmd/handshake -talk 127.0.0.1:8099")
	fmt.Println("                  then: go run ./01-network/cmd/handshake -r my.pcap")
}

// short rounds d for display: microseconds below a millisecond, else milliseconds.
func short(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
