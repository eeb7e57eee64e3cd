package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
)

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		status int
		err    error
		want   string
	}{
		{200, nil, "200"},
		{502, nil, "502"},
		{0, &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, "refused"},
		{0, &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, "reset"},
		{0, fmt.Errorf("get: %w", io.EOF), "eof"},
		{0, fmt.Errorf("get: %w", io.ErrUnexpectedEOF), "eof"},
		{0, context.Canceled, "canceled"},
		{0, fmt.Errorf("read: %w", os.ErrDeadlineExceeded), "timeout"},
		{0, errors.New("tls: bad certificate"), "error"},
	} {
		if got := Outcome(tc.status, tc.err); got != tc.want {
			t.Errorf("Outcome(%d, %v) = %q, want %q", tc.status, tc.err, got, tc.want)
		}
	}
}

func TestTally(t *testing.T) {
	var tl Tally
	tl.Add("200", "ignored: successes keep no detail")
	tl.Add("200", "")
	tl.Add("502", "POST /x")
	tl.Add("refused", "dial")
	if tl.Get("200") != 2 || tl.Total() != 4 || tl.Except("200", "refused") != 1 {
		t.Fatalf("counts wrong: %s", tl.String())
	}
	want := "200=2 502=1 refused=1\n  502: POST /x\n  refused: dial"
	if got := tl.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	if strings.Contains(tl.String(), "ignored") {
		t.Fatal("a success's detail was kept")
	}
}

func TestWorkersRunUntilStopped(t *testing.T) {
	var tl Tally
	var started sync.WaitGroup
	started.Add(3)
	w := Start(t.Context(), 3, func(ctx context.Context, worker int) {
		tl.Add(fmt.Sprint(worker), "")
		if tl.Get(fmt.Sprint(worker)) == 1 {
			started.Done()
		}
		<-ctx.Done()
	})
	started.Wait()
	w.Stop() // returns only once every worker has returned
	if tl.Total() != 3 || tl.Get("0") != 1 || tl.Get("2") != 1 {
		t.Fatalf("workers ran %s, want each of 0, 1, 2 once", tl.String())
	}
}
