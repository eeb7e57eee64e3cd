package httpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
)

// DefaultDrainLimit is how much of an unwanted body DrainAndClose reads to
// save the connection: a few TCP windows. Beyond that a new connection is
// cheaper than the read.
const DefaultDrainLimit = 256 << 10

// ErrBodyTooLarge is returned by Get when a body exceeds its limit.
var ErrBodyTooLarge = errors.New("httpclient: response body too large")

// DrainAndClose reads and discards at most limit bytes of body, then closes
// it. If the body ended within the limit, the connection goes back to the
// pool; otherwise the transport closes it. A non-positive limit means
// DefaultDrainLimit. Call it (usually deferred) on every response body.
func DrainAndClose(body io.ReadCloser, limit int64) error {
	if limit <= 0 {
		limit = DefaultDrainLimit
	}
	_, err := io.CopyN(io.Discard, body, limit)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if cerr := body.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("drain body: %w", err)
	}
	return nil
}

// Result is one response, read and closed, with what the trace saw.
type Result struct {
	Status int
	Body   []byte
	// Reused reports that the request went over a pooled keep-alive
	// connection instead of a new one.
	Reused bool
	// LocalAddr is the client end of the connection ("127.0.0.1:54321"):
	// the same port across requests is the same connection.
	LocalAddr string
}

// Get fetches url with c, reads at most maxBody bytes of the body and always
// drains and closes it. It records whether the connection was reused.
func Get(ctx context.Context, c *http.Client, url string, maxBody int64) (Result, error) {
	var res Result
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			res.Reused = info.Reused
			res.LocalAddr = info.Conn.LocalAddr().String()
		},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return res, fmt.Errorf("build request: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return res, fmt.Errorf("get %s: %w", url, err)
	}
	res.Status = resp.StatusCode
	res.Body, err = readAtMost(resp.Body, maxBody)
	err = errors.Join(err, DrainAndClose(resp.Body, 0))
	if err != nil {
		return res, fmt.Errorf("get %s: %w", url, err)
	}
	return res, nil
}

// readAtMost reads the whole body if it fits in limit bytes.
func readAtMost(body io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return b, nil
}
