package tcpserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// TestMaxConnsStopsAccepting proves that at the limit the server does not
// even call Accept, and that a finished connection frees its slot.
func TestMaxConnsStopsAccepting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var running atomic.Int32
		drainer := tcpserver.HandlerFunc(func(_ context.Context, conn net.Conn) {
			running.Add(1)
			defer running.Add(-1)
			io.Copy(io.Discard, conn) // until the client hangs up
		})
		ln := newPipeListener()
		srv := &tcpserver.Server{Handler: drainer, MaxConns: 2, Logger: quietLogger}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()

		first, second := ln.dial(), ln.dial()
		waiting := make(chan net.Conn, 1)
		go func() { waiting <- ln.dial() }() // blocks: nobody accepts it yet
		synctest.Wait()
		if got, calls := running.Load(), ln.accepts.Load(); got != 2 || calls != 2 {
			t.Fatalf("at the limit: %d handlers, %d Accept calls; want 2 and 2", got, calls)
		}

		first.Close() // frees a slot
		synctest.Wait()
		if got, calls := running.Load(), ln.accepts.Load(); got != 2 || calls != 3 {
			t.Fatalf("after one client left: %d handlers, %d Accept calls; want 2 and 3", got, calls)
		}
		third := <-waiting

		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-served; !errors.Is(err, tcpserver.ErrServerClosed) {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
		second.Close()
		third.Close()
	})
}

// TestAcceptBacksOffOnTemporaryErrors checks the delays between Accept calls
// after temporary failures: 5ms, 10ms, 20ms... instead of a busy loop.
func TestAcceptBacksOffOnTemporaryErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errs := make([]error, 9)
		for i := range errs {
			errs[i] = tempError{}
		}
		ln := newPipeListener(errs...)
		srv := &tcpserver.Server{Handler: lineEcho, Logger: quietLogger}
		start := time.Now()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()

		conn := ln.dial() // accepted once the nine errors are used up
		elapsed := time.Since(start)
		// 5+10+20+40+80+160+320+640 ms, then capped: +1000 ms.
		want := 2275 * time.Millisecond
		if elapsed != want {
			t.Errorf("first connection accepted after %v; want %v of backoff", elapsed, want)
		}
		conn.Close()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-served; !errors.Is(err, tcpserver.ErrServerClosed) {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
	})
}

func TestAcceptErrorsEndServe(t *testing.T) {
	permanent := errors.New("listener broke")
	tests := []struct {
		name    string
		errs    []error
		closeIn time.Duration // close the server this long after Serve starts
		want    error
	}{
		{name: "permanent error", errs: []error{permanent}, want: permanent},
		{name: "close during backoff", errs: []error{tempError{}, tempError{}}, closeIn: 7 * time.Millisecond, want: tcpserver.ErrServerClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &tcpserver.Server{Handler: lineEcho, Logger: quietLogger}
				served := make(chan error, 1)
				go func() { served <- srv.Serve(newPipeListener(tt.errs...)) }()
				if tt.closeIn > 0 {
					time.Sleep(tt.closeIn)
					if err := srv.Close(); err != nil {
						t.Fatal(err)
					}
				}
				if err := <-served; !errors.Is(err, tt.want) {
					t.Errorf("Serve = %v; want %v", err, tt.want)
				}
			})
		})
	}
}
