package sockstate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that whatever Parse accepts survives a round trip
// through the kernel's own line format: format(parse(x)) parses back to the
// same entries.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		lineListen4, lineSynSent4, lineFinWait14, lineTimeWait4, lineListen6, lineMapped6,
		headerLine4 + "\n" + lineListen4 + "\n",
		"", "\n\n", "sl",
		"0: 0:0 0:0 0 0:0 0:0 0 0 0 0",                                    // shortest fields, odd address length
		strings.Replace(lineListen4, "0A", "FF", 1),                       // unknown state
		strings.Replace(lineTimeWait4, "0000176E", "FFFFFFFFFFFFFFFF", 1), // absurd timer
		strings.Replace(lineListen6, "01000000:9DA9", "0100000G:9DA9", 1), // not hex
		strings.Replace(lineMapped6, "0000000000000000FFFF0000", "zz", 1), // short address
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, table string) {
		entries, err := parse(strings.NewReader(table), binary.LittleEndian)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		for i, e := range entries {
			formatLine(&buf, i, e)
		}
		again, err := parse(&buf, binary.LittleEndian)
		if err != nil {
			t.Fatalf("reparse of %q: %v", buf.String(), err)
		}
		if !reflect.DeepEqual(entries, again) && !(len(entries) == 0 && len(again) == 0) {
			t.Fatalf("round trip changed entries:\n %+v\n %+v", entries, again)
		}
	})
}

// formatLine writes e the way the kernel's tcp4_seq_show/tcp6_seq_show do
// (little-endian words), which is the inverse Parse must agree with.
func formatLine(buf *bytes.Buffer, i int, e Entry) {
	fmt.Fprintf(buf, "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d\n",
		i, hexWords(e.Local.Addr().AsSlice()), e.Local.Port(),
		hexWords(e.Remote.Addr().AsSlice()), e.Remote.Port(),
		uint8(e.State), e.TxQueue, e.RxQueue,
		uint8(e.Timer), uint64(e.TimerExpires/(time.Second/userHZ)),
		e.Retransmits, e.UID, 0, e.Inode)
}

func hexWords(addr []byte) string {
	var sb strings.Builder
	for i := 0; i < len(addr); i += 4 {
		fmt.Fprintf(&sb, "%08X", binary.LittleEndian.Uint32(addr[i:]))
	}
	return sb.String()
}
