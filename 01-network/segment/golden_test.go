package segment_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"gatewaylab/01-network/pcap"
	"gatewaylab/01-network/segment"
)

// goldens are the TCP segments of pcap/testdata/handshake.pcap, a real
// loopback capture (tcpdump -i lo, Linux 6.18): client 127.0.0.1:57202,
// server 127.0.0.1:8099. The hex was cut from `tcpdump -x` output, after
// the 20-byte IPv4 header, independently of this package's pcap reader.
var goldens = []struct {
	name    string
	hex     string
	src     uint16
	seq     uint32
	ack     uint32
	flags   segment.Flags
	window  uint16
	offset  uint8
	options string
	payload string
}{
	{"handshake 1 SYN", "df721fa32ec1b6dc00000000a002ffd7fe3000000204ffd70402080a7a8cf4a8000000000103030a",
		57202, 784447196, 0, segment.SYN, 65495, 10,
		"mss 65495,sackOK,TS val 2056058024 ecr 0,nop,wscale 10", ""},
	{"handshake 2 SYN-ACK", "1fa3df722812bf042ec1b6dda012ffcbfe3000000204ffd70402080a8ccba9157a8cf4a80103030a",
		8099, 672317188, 784447197, segment.SYN | segment.ACK, 65483, 10,
		"mss 65495,sackOK,TS val 2362157333 ecr 2056058024,nop,wscale 10", ""},
	{"handshake 3 ACK", "df721fa32ec1b6dd2812bf0580100040fe2800000101080a7a8cf4a88ccba915",
		57202, 784447197, 672317189, segment.ACK, 64, 8,
		"nop,nop,TS val 2056058024 ecr 2362157333", ""},
	{"client data", "df721fa32ec1b6dd2812bf0580180040fe2e00000101080a7a8cf4a98ccba91568656c6c6f0a",
		57202, 784447197, 672317189, segment.PSH | segment.ACK, 64, 8,
		"nop,nop,TS val 2056058025 ecr 2362157333", "hello\n"},
	{"server acks data", "1fa3df722812bf052ec1b6e380100040fe2800000101080a8ccba9167a8cf4a9",
		8099, 672317189, 784447203, segment.ACK, 64, 8,
		"nop,nop,TS val 2362157334 ecr 2056058025", ""},
	{"server data", "1fa3df722812bf052ec1b6e380180040fe2b00000101080a8ccba9167a8cf4a968690a",
		8099, 672317189, 784447203, segment.PSH | segment.ACK, 64, 8,
		"nop,nop,TS val 2362157334 ecr 2056058025", "hi\n"},
	{"client acks data", "df721fa32ec1b6e32812bf0880100040fe2800000101080a7a8cf4a98ccba916",
		57202, 784447203, 672317192, segment.ACK, 64, 8,
		"nop,nop,TS val 2056058025 ecr 2362157334", ""},
	{"teardown 1 client FIN", "df721fa32ec1b6e32812bf0880110040fe2800000101080a7a8cf4a98ccba916",
		57202, 784447203, 672317192, segment.FIN | segment.ACK, 64, 8,
		"nop,nop,TS val 2056058025 ecr 2362157334", ""},
	{"teardown 2 server ACK", "1fa3df722812bf082ec1b6e480100040fe2800000101080a8ccba93f7a8cf4a9",
		8099, 672317192, 784447204, segment.ACK, 64, 8,
		"nop,nop,TS val 2362157375 ecr 2056058025", ""},
	{"teardown 3 server FIN", "1fa3df722812bf082ec1b6e480110040fe2800000101080a8ccbaa437a8cf4a9",
		8099, 672317192, 784447204, segment.FIN | segment.ACK, 64, 8,
		"nop,nop,TS val 2362157635 ecr 2056058025", ""},
	{"teardown 4 client ACK", "df721fa32ec1b6e42812bf0980100040053100000101080a7a8cf5d68ccbaa43",
		57202, 784447204, 672317193, segment.ACK, 64, 8,
		"nop,nop,TS val 2056058326 ecr 2362157635", ""},
}

func goldenBytes(t testing.TB, h string) []byte {
	t.Helper()
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatalf("bad golden hex: %v", err)
	}
	return b
}

func optionString(opts []segment.Option) string {
	s := make([]string, len(opts))
	for i, o := range opts {
		s[i] = o.String()
	}
	return strings.Join(s, ",")
}

func TestDecodeGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			raw := goldenBytes(t, g.hex)
			s, err := segment.Decode(raw)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			dst := uint16(8099)
			if g.src == 8099 {
				dst = 57202
			}
			if s.SrcPort != g.src || s.DstPort != dst || s.Seq != g.seq || s.Ack != g.ack {
				t.Errorf("ports/seq/ack = %d>%d %d %d; want %d>%d %d %d", s.SrcPort, s.DstPort, s.Seq, s.Ack, g.src, dst, g.seq, g.ack)
			}
			if s.Flags != g.flags || s.Window != g.window || s.DataOffset != g.offset {
				t.Errorf("flags/window/offset = %v %d %d; want %v %d %d", s.Flags, s.Window, s.DataOffset, g.flags, g.window, g.offset)
			}
			if got := optionString(s.Options); got != g.options {
				t.Errorf("options = %s; want %s", got, g.options)
			}
			if string(s.Payload) != g.payload {
				t.Errorf("payload = %q; want %q", s.Payload, g.payload)
			}
			again, err := s.Append(nil)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if !bytes.Equal(again, raw) {
				t.Errorf("Append(Decode(b)) =\n %x\nwant\n %x", again, raw)
			}
		})
	}
}

func TestGoldenOptionAccessors(t *testing.T) {
	syn, err := segment.Decode(goldenBytes(t, goldens[0].hex))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	mss, okMSS := syn.MSS()
	ws, okWS := syn.WindowScale()
	val, ecr, okTS := syn.Timestamps()
	if mss != 65495 || !okMSS || ws != 10 || !okWS || !syn.SACKPermitted() || val != 2056058024 || ecr != 0 || !okTS {
		t.Errorf("SYN options: mss %d %v, wscale %d %v, sackOK %v, TS %d %d %v",
			mss, okMSS, ws, okWS, syn.SACKPermitted(), val, ecr, okTS)
	}
	ack, err := segment.Decode(goldenBytes(t, goldens[2].hex))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if _, ok := ack.MSS(); ok || ack.SACKPermitted() {
		t.Errorf("a non-SYN segment reports MSS or SACK-permitted")
	}
	if _, ok := ack.WindowScale(); ok {
		t.Errorf("a non-SYN segment reports a window scale")
	}
}

// TestGoldensMatchCapture ties the vectors to the shipped capture: the pcap
// reader must find exactly these segments in it.
func TestGoldensMatchCapture(t *testing.T) {
	r, err := pcap.NewReader(pcap.LoopbackSample())
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	for i := 0; ; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if i != len(goldens) {
				t.Errorf("capture has %d segments; want %d", i, len(goldens))
			}
			return
		}
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		p, err := pcap.Unwrap(r.Header().LinkType, rec.Data)
		if err != nil {
			t.Fatalf("record %d: Unwrap: %v", i, err)
		}
		if i < len(goldens) && hex.EncodeToString(p.TCP) != goldens[i].hex {
			t.Errorf("record %d = %x; want golden %q", i, p.TCP, goldens[i].name)
		}
	}
}

// TestSeqAckArithmetic checks the rule the handshake demo teaches: every
// ACK acknowledges the peer's Seq plus the sequence space its segment took
// (payload bytes, plus one each for SYN and FIN).
func TestSeqAckArithmetic(t *testing.T) {
	var segs []segment.Segment
	for _, g := range goldens {
		s, err := segment.Decode(goldenBytes(t, g.hex))
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		segs = append(segs, s)
	}
	next := map[uint16]uint32{} // by source port: the next sequence number it will use
	for i, s := range segs {
		if peer, ok := next[s.DstPort]; ok && s.Flags.Has(segment.ACK) && s.Ack != peer {
			t.Errorf("%s: ack %d; want the peer's next sequence number %d", goldens[i].name, s.Ack, peer)
		}
		next[s.SrcPort] = s.Seq + s.Len()
	}
}
