package slowclient_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/02-tcp-udp-http/slowclient"
)

// TestDrip runs the slow client against in-memory servers on the fake clock,
// so the bytes sent and the elapsed times are exact.
func TestDrip(t *testing.T) {
	tests := []struct {
		name       string
		server     func(net.Conn) // runs on the server end of the pipe
		plan       slowclient.Plan
		wantSent   int
		wantClosed bool
		wantReply  string
		wantTime   time.Duration
		wantErr    error
	}{
		{
			name: "server hangs up after 4 bytes",
			server: func(c net.Conn) {
				io.ReadFull(c, make([]byte, 4))
				io.WriteString(c, "enough")
				c.Close()
			},
			plan:       slowclient.Plan{Payload: []byte("hello world"), Interval: 10 * time.Millisecond},
			wantSent:   4,
			wantClosed: true,
			wantReply:  "enough",
			wantTime:   40 * time.Millisecond,
		},
		{
			name:       "chunks of three",
			server:     func(c net.Conn) { io.ReadFull(c, make([]byte, 6)); c.Close() },
			plan:       slowclient.Plan{Payload: []byte("abcdefghi"), Chunk: 3, Interval: time.Second},
			wantSent:   6,
			wantClosed: true,
			wantTime:   2 * time.Second,
		},
		{
			name:     "server never closes",
			server:   func(c net.Conn) { io.Copy(io.Discard, c) },
			plan:     slowclient.Plan{Payload: []byte("hi"), Interval: time.Millisecond},
			wantSent: 2,
			wantTime: time.Minute,
			wantErr:  context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				client, server := net.Pipe()
				defer client.Close()
				go func() {
					defer server.Close()
					tt.server(server)
				}()
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()

				res, err := slowclient.Drip(ctx, client, tt.plan)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Drip error = %v; want %v", err, tt.wantErr)
				}
				if res.Sent != tt.wantSent || res.ClosedByServer != tt.wantClosed || string(res.Reply) != tt.wantReply || res.Elapsed != tt.wantTime {
					t.Errorf("Drip = %+v; want Sent=%d ClosedByServer=%v Reply=%q Elapsed=%v",
						res, tt.wantSent, tt.wantClosed, tt.wantReply, tt.wantTime)
				}
			})
		})
	}
}

func TestRunDialError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if _, err := slowclient.Run(t.Context(), addr, slowclient.Plan{}); err == nil {
		t.Error("Run against a closed port succeeded; want a dial error")
	}
}
