package wire

import (
	"cmp"
	"net"
	"slices"
	"strconv"
	"sync"
)

// Direction says which way bytes went through a tapped connection.
type Direction int

// The directions, seen from the side that holds the tapped conn.
const (
	Sent     Direction = iota + 1 // written to the peer
	Received                      // read from the peer
)

// Chunk is a run of bytes that went one way.
type Chunk struct {
	Dir  Direction
	Data []byte
}

// Tap records the bytes that pass through the connections it wraps, in
// order, up to a limit. It is safe for concurrent use.
//
// Order is causal: a Write is numbered before it is handed to the kernel
// and a Read after the kernel returned its bytes, so an answer is never
// listed before the request that caused it, even when the reading and
// writing goroutines record in the other order.
type Tap struct {
	mu        sync.Mutex
	entries   []entry
	seq       uint64
	size      int
	limit     int
	truncated bool
}

type entry struct {
	seq   uint64
	chunk Chunk
}

// NewTap returns a Tap that keeps at most limit bytes; later bytes still
// flow but are not recorded, and Truncated reports it.
func NewTap(limit int) *Tap { return &Tap{limit: limit} }

// Conn wraps c so that everything read from or written to it is recorded.
func (t *Tap) Conn(c net.Conn) net.Conn { return &tappedConn{Conn: c, tap: t} }

// Chunks returns a copy of what was recorded, consecutive bytes in the same
// direction merged into one chunk.
func (t *Tap) Chunks() []Chunk {
	t.mu.Lock()
	entries := slices.Clone(t.entries)
	t.mu.Unlock()
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
	var out []Chunk
	for _, e := range entries {
		if n := len(out); n > 0 && out[n-1].Dir == e.chunk.Dir {
			out[n-1].Data = append(out[n-1].Data, e.chunk.Data...)
			continue
		}
		out = append(out, Chunk{Dir: e.chunk.Dir, Data: slices.Clone(e.chunk.Data)})
	}
	return out
}

// Truncated reports whether bytes were dropped because of the limit.
func (t *Tap) Truncated() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.truncated
}

// next returns the next position in the record.
func (t *Tap) next() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	return t.seq
}

func (t *Tap) record(seq uint64, dir Direction, p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.limit - t.size; len(p) > room {
		p, t.truncated = p[:max(room, 0)], true
	}
	if len(p) == 0 {
		return
	}
	t.size += len(p)
	t.entries = append(t.entries, entry{seq: seq, chunk: Chunk{Dir: dir, Data: slices.Clone(p)}})
}

type tappedConn struct {
	net.Conn
	tap *Tap
}

func (c *tappedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.tap.record(c.tap.next(), Received, p[:n])
	return n, err
}

func (c *tappedConn) Write(p []byte) (int, error) {
	seq := c.tap.next()
	n, err := c.Conn.Write(p)
	c.tap.record(seq, Sent, p[:n])
	return n, err
}

// String formats c as "> \"bytes\"" (sent) or "< \"bytes\"" (received).
func (c Chunk) String() string {
	if c.Dir == Received {
		return "< " + strconv.Quote(string(c.Data))
	}
	return "> " + strconv.Quote(string(c.Data))
}
