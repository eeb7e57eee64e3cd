package tcpserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/slowclient"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// servePipes runs srv on an in-memory listener inside a synctest bubble and
// stops it when the bubble's test ends.
func servePipes(t *testing.T, srv *tcpserver.Server) *pipeListener {
	t.Helper()
	ln := newPipeListener()
	testserve.ServeTCP(t, srv, ln)
	return ln
}

// TestSlowClientsAreCut measures, on the bubble's fake clock, when the server
// hangs up on a silent client and on a slow-drip client.
func TestSlowClientsAreCut(t *testing.T) {
	tests := []struct {
		name     string
		plan     slowclient.Plan
		wantCut  time.Duration // from the first write (or connect) to the close
		wantSent int
	}{
		{
			name:    "silent client hits IdleTimeout",
			plan:    slowclient.Plan{},
			wantCut: 100 * time.Millisecond,
		},
		{
			// Every read is short (10ms < IdleTimeout), so only the
			// whole-message ReadTimeout can stop this client.
			name:     "slow drip hits ReadTimeout",
			plan:     slowclient.Plan{Payload: []byte(strings.Repeat("x", 100) + "\n"), Interval: 10 * time.Millisecond},
			wantCut:  315 * time.Millisecond, // first byte at 10ms + 305ms
			wantSent: 31,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &tcpserver.Server{Handler: lineEcho, IdleTimeout: 100 * time.Millisecond, ReadTimeout: 305 * time.Millisecond}
				ln := servePipes(t, srv)
				conn := ln.dial()
				defer conn.Close()

				res, err := slowclient.Drip(t.Context(), conn, tt.plan)
				if err != nil {
					t.Fatalf("Drip: %v", err)
				}
				if !res.ClosedByServer || res.Elapsed != tt.wantCut || res.Sent != tt.wantSent {
					t.Errorf("closed=%v after %v with %d bytes sent; want closed after %v with %d sent",
						res.ClosedByServer, res.Elapsed, res.Sent, tt.wantCut, tt.wantSent)
				}
			})
		})
	}
}

func TestDeadlines(t *testing.T) {
	tests := []struct {
		name    string
		limits  func(*tcpserver.Server)
		handler func(net.Conn) error // returns the error the handler met
		want    time.Duration        // when the handler's I/O fails
	}{
		{
			name:   "handler's own read deadline wins when earlier",
			limits: func(s *tcpserver.Server) { s.IdleTimeout = time.Minute },
			handler: func(c net.Conn) error {
				if err := c.SetReadDeadline(time.Now().Add(30 * time.Millisecond)); err != nil {
					return err
				}
				_, err := c.Read(make([]byte, 1))
				return err
			},
			want: 30 * time.Millisecond,
		},
		{
			name:   "write to a client that never reads hits WriteTimeout",
			limits: func(s *tcpserver.Server) { s.WriteTimeout = 40 * time.Millisecond },
			handler: func(c net.Conn) error {
				_, err := c.Write([]byte("nobody reads this")) // net.Pipe has no buffer
				return err
			},
			want: 40 * time.Millisecond,
		},
		{
			name: "NoTimeout leaves the read to the handler",
			limits: func(s *tcpserver.Server) {
				s.IdleTimeout, s.ReadTimeout = tcpserver.NoTimeout, tcpserver.NoTimeout
			},
			handler: func(c net.Conn) error {
				if err := c.SetDeadline(time.Now().Add(time.Hour)); err != nil {
					return err
				}
				_, err := c.Read(make([]byte, 1))
				return err
			},
			want: time.Hour,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				type outcome struct {
					err     error
					elapsed time.Duration
				}
				done := make(chan outcome, 1)
				srv := &tcpserver.Server{Handler: tcpserver.HandlerFunc(func(_ context.Context, c net.Conn) {
					start := time.Now()
					err := tt.handler(c)
					done <- outcome{err, time.Since(start)}
				})}
				tt.limits(srv)
				conn := servePipes(t, srv).dial()
				defer conn.Close()

				got := <-done
				if !errors.Is(got.err, os.ErrDeadlineExceeded) || got.elapsed != tt.want {
					t.Errorf("handler I/O failed with %v after %v; want a deadline error after %v", got.err, got.elapsed, tt.want)
				}
			})
		})
	}
}

// TestShutdownEndsIdleReadWithEOF checks what an idle handler sees during
// Shutdown: a clean io.EOF, not a timeout error it would log as a failure.
func TestShutdownEndsIdleReadWithEOF(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		readErr := make(chan error, 1)
		srv := &tcpserver.Server{Handler: tcpserver.HandlerFunc(func(_ context.Context, c net.Conn) {
			_, err := c.Read(make([]byte, 1))
			readErr <- err
		})}
		conn := servePipes(t, srv).dial()
		defer conn.Close()
		synctest.Wait() // the handler is blocked in Read

		if err := srv.Shutdown(t.Context()); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		if err := <-readErr; !errors.Is(err, io.EOF) {
			t.Errorf("idle Read during Shutdown = %v; want io.EOF", err)
		}
	})
}
