package flow

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"time"
)

// Receive reads conn until EOF and returns the digest of what arrived.
// Cancelling ctx unblocks the read and makes Receive fail.
func Receive(ctx context.Context, conn net.Conn) (Digest, error) {
	// SetReadDeadline fails only on a closed conn, whose Read fails anyway.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	sum := sha256.New()
	n, err := io.Copy(sum, conn)
	if err != nil {
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return Digest{}, fmt.Errorf("receive after %d bytes: %w", n, err)
	}
	d := Digest{Bytes: n}
	sum.Sum(d.SHA256[:0])
	return d, nil
}
