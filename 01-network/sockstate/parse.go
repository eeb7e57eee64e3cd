package sockstate

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ErrMalformed reports a line of the socket table that does not have the
// layout the kernel prints.
var ErrMalformed = errors.New("malformed socket table line")

// maxLineBytes bounds one line of input. Kernel lines are about 150 bytes;
// the bound keeps a hostile reader from growing the buffer without limit.
const maxLineBytes = 4096

// userHZ is the kernel's clock tick for values exported to user space.
const userHZ = 100

// Parse reads a socket table in the format of /proc/net/tcp or
// /proc/net/tcp6 and returns its rows in order. A header line (starting
// with "sl") and blank lines are skipped; any other line that does not parse
// makes Parse fail with an error wrapping [ErrMalformed] and its line number.
//
// The kernel prints each 32-bit word of an address in the host's byte
// order, so Parse decodes addresses with the byte order of the machine it
// runs on: feed it tables produced by this machine's kernel.
func Parse(r io.Reader) ([]Entry, error) {
	return parse(r, binary.NativeEndian)
}

func parse(r io.Reader, order binary.ByteOrder) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), maxLineBytes)
	var entries []Entry
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || fields[0] == "sl" {
			continue
		}
		e, err := parseFields(fields, order)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read socket table: %w", err)
	}
	return entries, nil
}

// The columns of a row: sl local remote st tx:rx tr:when retrnsmt uid timeout inode ...
const (
	colLocal = 1 + iota
	colRemote
	colState
	colQueues
	colTimer
	colRetransmits
	colUID
	colTimeout
	colInode
	minColumns
)

func parseFields(f []string, order binary.ByteOrder) (Entry, error) {
	if len(f) < minColumns {
		return Entry{}, fmt.Errorf("%w: %d columns, want at least %d", ErrMalformed, len(f), minColumns)
	}
	var e Entry
	var err error
	if e.Local, err = parseAddrPort(f[colLocal], order); err != nil {
		return Entry{}, fmt.Errorf("local address: %w", err)
	}
	if e.Remote, err = parseAddrPort(f[colRemote], order); err != nil {
		return Entry{}, fmt.Errorf("remote address: %w", err)
	}
	if e.Local.Addr().Is4() != e.Remote.Addr().Is4() {
		return Entry{}, fmt.Errorf("%w: local and remote address families differ", ErrMalformed)
	}
	st, err := parseHex(f[colState], 8)
	if err != nil {
		return Entry{}, fmt.Errorf("state: %w", err)
	}
	e.State = State(st)
	if err := parseCounters(&e, f); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// parseCounters fills the queue, timer, uid and inode columns.
func parseCounters(e *Entry, f []string) error {
	tx, rx, err := parseHexPair(f[colQueues], 32, 32)
	if err != nil {
		return fmt.Errorf("queues: %w", err)
	}
	timer, ticks, err := parseHexPair(f[colTimer], 8, 64)
	if err != nil {
		return fmt.Errorf("timer: %w", err)
	}
	retr, err := parseHex(f[colRetransmits], 32)
	if err != nil {
		return fmt.Errorf("retransmits: %w", err)
	}
	uid, err := strconv.ParseUint(f[colUID], 10, 32)
	if err != nil {
		return fmt.Errorf("%w: uid: %w", ErrMalformed, err)
	}
	inode, err := strconv.ParseUint(f[colInode], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: inode: %w", ErrMalformed, err)
	}
	e.TxQueue, e.RxQueue = uint32(tx), uint32(rx)
	e.Timer, e.TimerExpires = Timer(timer), ticksToDuration(ticks)
	e.Retransmits, e.UID, e.Inode = uint32(retr), uint32(uid), inode
	return nil
}

// ticksToDuration converts clock ticks to a Duration. Absurd values
// saturate at the largest whole number of ticks a Duration holds instead of
// overflowing.
func ticksToDuration(ticks uint64) time.Duration {
	const tick = time.Second / userHZ
	const maxTicks = uint64(1<<63-1) / uint64(tick)
	return time.Duration(min(ticks, maxTicks)) * tick
}

// parseAddrPort decodes "0100007F:1F90" (IPv4) or 32 hex digits and a port
// (IPv6). Each 32-bit word of the address is in the kernel's byte order; the
// port is already in host order.
func parseAddrPort(s string, order binary.ByteOrder) (netip.AddrPort, error) {
	hexAddr, hexPort, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("%w: %q has no port", ErrMalformed, s)
	}
	port, err := parseHex(hexPort, 16)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if len(hexAddr) != 8 && len(hexAddr) != 32 {
		return netip.AddrPort{}, fmt.Errorf("%w: address %q is %d hex digits, want 8 or 32", ErrMalformed, hexAddr, len(hexAddr))
	}
	raw, err := hex.DecodeString(hexAddr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: address %q: %w", ErrMalformed, hexAddr, err)
	}
	// Undo the kernel's per-word host order: read each word as big-endian
	// (the order hex.DecodeString produced) and store it in host order.
	for i := 0; i < len(raw); i += 4 {
		order.PutUint32(raw[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(raw) // len is 4 or 16, checked above
	return netip.AddrPortFrom(addr, uint16(port)), nil
}

func parseHexPair(s string, bitsA, bitsB int) (a, b uint64, err error) {
	sa, sb, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q is not a pair", ErrMalformed, s)
	}
	if a, err = parseHex(sa, bitsA); err != nil {
		return 0, 0, err
	}
	if b, err = parseHex(sb, bitsB); err != nil {
		return 0, 0, err
	}
	return a, b, nil
}

func parseHex(s string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 16, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return v, nil
}
