// Package load runs client workers against the gateway and counts what they saw, by
// outcome: a status code, or the kind of transport error (refused at connect, reset,
// EOF, timeout). Fault tests then assert on the counts: which outcomes happened, and
// how many.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// Tally counts outcomes by name and keeps the first few details of each. It is safe
// for concurrent use.
type Tally struct {
	mu      sync.Mutex
	counts  map[string]int64
	samples map[string][]string
}

// maxSamples is how many details are kept per outcome.
const maxSamples = 5

// Add counts one outcome. Its detail is kept among the first few of that outcome,
// unless it is empty or the outcome is a success (2xx): failures need explaining.
func (t *Tally) Add(outcome, detail string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.counts == nil {
		t.counts, t.samples = map[string]int64{}, map[string][]string{}
	}
	t.counts[outcome]++
	if detail != "" && !strings.HasPrefix(outcome, "2") && len(t.samples[outcome]) < maxSamples {
		t.samples[outcome] = append(t.samples[outcome], detail)
	}
}

// Get returns the count of outcome.
func (t *Tally) Get(outcome string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[outcome]
}

// Total is the number of outcomes counted.
func (t *Tally) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var n int64
	for _, c := range t.counts {
		n += c
	}
	return n
}

// Except returns the total of every outcome not in allowed.
func (t *Tally) Except(allowed ...string) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var n int64
	for o, c := range t.counts {
		if !slices.Contains(allowed, o) {
			n += c
		}
	}
	return n
}

// String lists the counts, then the kept details, sorted by outcome:
// "200=1520 502=3 [502: POST /x ...]".
func (t *Tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.counts))
	for o := range t.counts {
		names = append(names, o)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, o := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", o, t.counts[o])
	}
	for _, o := range names {
		for _, s := range t.samples[o] {
			fmt.Fprintf(&b, "\n  %s: %s", o, s)
		}
	}
	return b.String()
}

// Outcome names the result of one exchange: the status code ("200"), or the kind of
// transport error. "refused" means the connection was refused at connect, so the
// gateway never accepted it; every other error happened on an accepted connection.
func Outcome(status int, err error) string {
	if err == nil {
		return strconv.Itoa(status)
	}
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "error"
}

// Workers is a group of goroutines sending load until stopped.
type Workers struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start runs n workers, each calling fn(ctx, worker) in a loop until ctx is done or
// Stop is called.
func Start(ctx context.Context, n int, fn func(ctx context.Context, worker int)) *Workers {
	ctx, cancel := context.WithCancel(ctx)
	w := &Workers{cancel: cancel}
	for i := range n {
		w.wg.Go(func() {
			for ctx.Err() == nil {
				fn(ctx, i)
			}
		})
	}
	return w
}

// Stop stops the workers and waits until every one has returned.
func (w *Workers) Stop() {
	w.cancel()
	w.wg.Wait()
}
