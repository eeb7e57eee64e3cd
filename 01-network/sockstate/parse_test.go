package sockstate

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// Real lines captured from /proc/net/tcp and /proc/net/tcp6 on a
// little-endian (amd64) Linux 6.18 machine.
const (
	lineListen4    = "   0: 0100007F:D8B3 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 15177 2 00000000b2e1fdf5 100 0 0 10 0"
	lineSynSent4   = "   3: 0100007F:898A 0100007F:D8B3 02 00000001:00000000 01:00000059 00000000     0        0 15179 2 00000000898fe4db 100 0 0 10 -1"
	lineFinWait14  = "   5: 0100007F:A554 0100007F:A4BB 04 003EC201:00000000 04:0000000F 00000000     0        0 15283 3 0000000081dd6dea 20 0 0 16 -1"
	lineTimeWait4  = "   4: 0100007F:A554 0100007F:A4BB 06 00000000:00000000 03:0000176E 00000000     0        0 0 3 0000000052c8846c"
	lineListen6    = "   1: 00000000000000000000000001000000:9DA9 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19549 2 0000000003ecb65b 100 0 0 10 0"
	lineMapped6    = "   2: 0000000000000000FFFF00000100007F:99F1 0000000000000000FFFF00000100007F:9B20 01 00000000:00000000 02:000005DC 00000000     0        0 19556 2 00000000ea17f22e 20 0 0 10 -1"
	headerLine4    = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
	headerLine6    = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
	loopbackListen = "127.0.0.1:55475"
)

func TestParseRealLines(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Entry
	}{
		{
			name: "ipv4 listener with one queued connection",
			line: lineListen4,
			want: Entry{
				Local: netip.MustParseAddrPort(loopbackListen), Remote: netip.MustParseAddrPort("0.0.0.0:0"),
				State: Listen, RxQueue: 1, Inode: 15177,
			},
		},
		{
			name: "syn sent with the syn unacknowledged",
			line: lineSynSent4,
			want: Entry{
				Local: netip.MustParseAddrPort("127.0.0.1:35210"), Remote: netip.MustParseAddrPort(loopbackListen),
				State: SynSent, TxQueue: 1, Timer: RetransmitTimer, TimerExpires: 890 * time.Millisecond, Inode: 15179,
			},
		},
		{
			name: "fin wait 1 behind a zero window",
			line: lineFinWait14,
			want: Entry{
				Local: netip.MustParseAddrPort("127.0.0.1:42324"), Remote: netip.MustParseAddrPort("127.0.0.1:42171"),
				State: FinWait1, TxQueue: 0x3EC201, Timer: ZeroWindowProbe, TimerExpires: 150 * time.Millisecond, Inode: 15283,
			},
		},
		{
			name: "time wait has fewer columns and no inode",
			line: lineTimeWait4,
			want: Entry{
				Local: netip.MustParseAddrPort("127.0.0.1:42324"), Remote: netip.MustParseAddrPort("127.0.0.1:42171"),
				State: TimeWait, Timer: TimeWaitTimer, TimerExpires: 59980 * time.Millisecond,
			},
		},
		{
			name: "ipv6 loopback listener",
			line: lineListen6,
			want: Entry{
				Local: netip.MustParseAddrPort("[::1]:40361"), Remote: netip.MustParseAddrPort("[::]:0"),
				State: Listen, Inode: 19549,
			},
		},
		{
			name: "ipv4-mapped connection on a dual-stack socket",
			line: lineMapped6,
			want: Entry{
				Local: netip.MustParseAddrPort("[::ffff:127.0.0.1]:39409"), Remote: netip.MustParseAddrPort("[::ffff:127.0.0.1]:39712"),
				State: Established, Timer: KeepaliveTimer, TimerExpires: 15 * time.Second, Inode: 19556,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(strings.NewReader(tt.line), binary.LittleEndian)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("parse(%q) =\n %+v\nwant\n %+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseSkipsHeadersAndBlankLines(t *testing.T) {
	table := headerLine4 + "\n" + lineListen4 + "\n\n" + headerLine6 + "\n" + lineListen6 + "\n"
	got, err := parse(strings.NewReader(table), binary.LittleEndian)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(got) != 2 || got[0].State != Listen || got[1].Local.Port() != 40361 {
		t.Errorf("parse(table) = %+v; want the two listeners", got)
	}
}

func TestParseBigEndianWords(t *testing.T) {
	// On a big-endian host the kernel prints 127.0.0.1 as 7F000001.
	line := strings.Replace(lineListen4, "0100007F", "7F000001", 1)
	got, err := parse(strings.NewReader(line), binary.BigEndian)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if want := netip.MustParseAddrPort(loopbackListen); got[0].Local != want {
		t.Errorf("Local = %v; want %v", got[0].Local, want)
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"too few columns", "0: 0100007F:D8B3 00000000:0000 0A"},
		{"address without port", strings.Replace(lineListen4, "0100007F:D8B3", "0100007FD8B3", 1)},
		{"address of odd length", strings.Replace(lineListen4, "0100007F:D8B3", "0100007:D8B3", 1)},
		{"address not hex", strings.Replace(lineListen4, "0100007F:D8B3", "0100007G:D8B3", 1)},
		{"port too large", strings.Replace(lineListen4, "0100007F:D8B3", "0100007F:1D8B3", 1)},
		{"mixed families", strings.Replace(lineListen4, "00000000:0000", "00000000000000000000000000000000:0000", 1)},
		{"state too large", strings.Replace(lineListen4, " 0A ", " 100 ", 1)},
		{"queues not a pair", strings.Replace(lineListen4, "00000000:00000001", "0000000000000001", 1)},
		{"queue overflow", strings.Replace(lineListen4, "00000000:00000001", "00000000:100000001", 1)},
		{"timer not hex", strings.Replace(lineListen4, "00:00000000", "zz:00000000", 1)},
		{"uid not decimal", strings.Replace(lineListen4, "     0        0 15177", "     x        0 15177", 1)},
		{"inode not decimal", strings.Replace(lineListen4, "15177", "-15177", 1)},
		{"line too long", lineListen4 + strings.Repeat(" 0", maxLineBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(strings.NewReader(tt.line), binary.LittleEndian)
			if err == nil {
				t.Fatalf("parse(%q) = %+v; want an error", tt.line, got)
			}
			if tt.name != "line too long" && !errors.Is(err, ErrMalformed) {
				t.Errorf("parse error = %v; want ErrMalformed", err)
			}
		})
	}
}

func TestParseEveryPrefix(t *testing.T) {
	// Every prefix of a real line either parses to a prefix-consistent entry
	// or fails with ErrMalformed: never a panic, never a silent wrong value.
	for i := range len(lineFinWait14) {
		prefix := lineFinWait14[:i]
		got, err := parse(strings.NewReader(prefix), binary.LittleEndian)
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("parse(%q) error = %v; want ErrMalformed", prefix, err)
		}
		if err == nil && len(got) == 1 && got[0].Local.Port() != 42324 {
			t.Fatalf("parse(%q) = %+v; local port changed", prefix, got[0])
		}
	}
}

func TestStateAndTimerNames(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"listen", Listen.String(), "LISTEN"},
		{"close wait", CloseWait.String(), "CLOSE_WAIT"},
		{"unknown state", State(0x2a).String(), "STATE(0x2a)"},
		{"zero-window timer", ZeroWindowProbe.String(), "zero-window-probe"},
		{"unknown timer", Timer(9).String(), "timer(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("String() = %q; want %q", tt.got, tt.want)
			}
		})
	}
	if State(0).Known() || !TimeWait.Known() {
		t.Errorf("Known: State(0) = %v, TimeWait = %v; want false, true", State(0).Known(), TimeWait.Known())
	}
}

func BenchmarkParse(b *testing.B) {
	// A table of 100 sockets, the size of a busy laptop's.
	var sb strings.Builder
	sb.WriteString(headerLine4 + "\n")
	for range 25 {
		for _, l := range []string{lineListen4, lineSynSent4, lineFinWait14, lineTimeWait4} {
			sb.WriteString(l + "\n")
		}
	}
	table := sb.String()
	b.SetBytes(int64(len(table)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(strings.NewReader(table), binary.LittleEndian); err != nil {
			b.Fatal(err)
		}
	}
}
