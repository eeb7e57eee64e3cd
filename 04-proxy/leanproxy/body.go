package leanproxy

import (
	"context"
	"errors"
	"io"
	"sync"
)

// errBodyClosed is what Read returns after Close, as net/http's bodies do.
var errBodyClosed = errors.New("http: read on closed response body")

// body is a response body read straight from the connection's buffered reader. At EOF
// the connection goes back to the pool (trailers, if any, have been read by then); a
// Close before EOF drains what is already buffered when that completes the body, and
// closes the connection otherwise, rather than wait for an upstream that may never
// finish.
type body struct {
	rc     io.Reader // net/http's framing reader (length or chunked) over c.br
	ctx    context.Context
	keep   bool  // the connection may be reused after this response
	length int64 // Content-Length, -1 when unknown (chunked or until close)

	mu      sync.Mutex
	c       *conn // nil once the exchange is finished
	err     error // what Read returns once finished
	read    int64
	reading bool // a Read is in progress: Close must not touch the reader
	closed  bool
}

func (b *body) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.c == nil {
		err := b.err
		b.mu.Unlock()
		return 0, err
	}
	b.reading = true
	b.mu.Unlock()

	n, err := b.rc.Read(p)

	b.mu.Lock()
	defer b.mu.Unlock()
	b.reading = false
	b.read += int64(n)
	switch {
	case b.closed: // Close ran during the read and closed the connection
		b.end(false, errBodyClosed)
		return n, errBodyClosed
	case err == io.EOF:
		b.end(b.keep, io.EOF)
	case err != nil:
		if ctxErr := b.ctx.Err(); ctxErr != nil {
			err = ctxErr // the read failed because the request was cancelled
		}
		b.end(false, err)
	}
	return n, err
}

// Close finishes the body. It never blocks on the upstream.
func (b *body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c == nil || b.closed {
		return nil
	}
	b.closed = true
	if b.reading {
		b.c.nc.Close() // the Read in progress returns and finishes the exchange
		return nil
	}
	b.end(b.drainBuffered(), errBodyClosed)
	return nil
}

// drainBuffered discards the rest of a body of known length when all of it is already
// in the reader's buffer, so the connection can be reused at no cost.
func (b *body) drainBuffered() bool {
	if !b.keep || b.length < 0 || b.length-b.read > int64(b.c.br.Buffered()) {
		return false
	}
	_, err := io.Copy(io.Discard, b.rc)
	return err == nil
}

// end finishes the exchange once; mu is held.
func (b *body) end(reuse bool, err error) {
	c := b.c
	b.c, b.err = nil, err
	c.finish(reuse)
}
