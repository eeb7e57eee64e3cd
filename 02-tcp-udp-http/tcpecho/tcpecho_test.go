package tcpecho_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/internal/testserve"
	"gatewaylab/02-tcp-udp-http/tcpecho"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

// serve starts a tcpserver with h and returns its address.
func serve(t testing.TB, h tcpserver.Handler) string {
	t.Helper()
	return testserve.TCP(t, &tcpserver.Server{Handler: h})
}

// connect dials addr with d; the connection is closed at cleanup.
func connect(t testing.TB, d tcpecho.Dialer, addr string) *tcpecho.Conn {
	t.Helper()
	c, err := d.Dial(t.Context(), addr)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestExchangeEchoes(t *testing.T) {
	addr := serve(t, tcpecho.Handler{MaxLineBytes: 64})
	c := connect(t, tcpecho.Dialer{MaxLineBytes: 64}, addr)
	tests := []struct {
		name string
		line string
	}{
		{name: "word", line: "hello"},
		{name: "empty line", line: ""},
		{name: "looks like an error", line: "ERR this is data"},
		{name: "utf-8", line: "三次握手"},
		{name: "exactly the limit", line: strings.Repeat("x", 63)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Exchange(t.Context(), tt.line)
			if err != nil || got != tt.line {
				t.Errorf("Exchange(%q) = %q, %v; want the echo", tt.line, got, err)
			}
		})
	}
}

func TestExchangeErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler tcpserver.Handler
		client  tcpecho.Dialer
		line    string
		want    error
	}{
		{
			name:    "client refuses a line over its limit",
			handler: tcpecho.Handler{},
			client:  tcpecho.Dialer{MaxLineBytes: 8},
			line:    "12345678",
			want:    tcpecho.ErrLineTooLong,
		},
		{
			name:    "client refuses an embedded newline",
			handler: tcpecho.Handler{},
			line:    "two\nlines",
			want:    tcpecho.ErrNewline,
		},
		{
			name:    "server rejects a line over its limit",
			handler: tcpecho.Handler{MaxLineBytes: 16},
			line:    strings.Repeat("y", 40),
			want:    tcpecho.ErrRemote,
		},
		{
			name:    "reply over the client's limit",
			handler: replyWith(strings.Repeat("z", 100) + "\n"),
			client:  tcpecho.Dialer{MaxLineBytes: 32},
			line:    "hi",
			want:    tcpecho.ErrLineTooLong,
		},
		{
			name:    "reply that is not the echo",
			handler: replyWith("something else\n"),
			line:    "hi",
			want:    tcpecho.ErrUnexpectedReply,
		},
		{
			name:    "server hangs up",
			handler: replyWith(""),
			line:    "hi",
			want:    io.EOF,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := connect(t, tt.client, serve(t, tt.handler))
			if got, err := c.Exchange(t.Context(), tt.line); !errors.Is(err, tt.want) {
				t.Errorf("Exchange = %q, %v; want error %v", got, err, tt.want)
			}
		})
	}
}

// replyWith answers the first line with reply and hangs up.
func replyWith(reply string) tcpserver.HandlerFunc {
	return func(_ context.Context, conn net.Conn) {
		if _, err := conn.Read(make([]byte, 64)); err != nil {
			return
		}
		io.WriteString(conn, reply)
	}
}

// TestExchangeStopsWithContext: a server that never answers cannot hang the
// client past its context.
func TestExchangeStopsWithContext(t *testing.T) {
	silent := tcpserver.HandlerFunc(func(ctx context.Context, _ net.Conn) { <-ctx.Done() })
	addr := serve(t, silent)
	tests := []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		want error
	}{
		{
			name: "deadline",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(parent, 20*time.Millisecond)
			},
			want: context.DeadlineExceeded,
		},
		{
			name: "cancel",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(parent)
				time.AfterFunc(20*time.Millisecond, cancel)
				return ctx, cancel
			},
			want: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := connect(t, tcpecho.Dialer{IOTimeout: time.Minute}, addr)
			ctx, cancel := tt.ctx(t.Context())
			defer cancel()
			if _, err := c.Exchange(ctx, "anyone there?"); !errors.Is(err, tt.want) {
				t.Errorf("Exchange = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestDialRefused(t *testing.T) {
	ln := testserve.Listen(t)
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	if _, err := (tcpecho.Dialer{}).Dial(t.Context(), addr); err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("Dial to a closed port = %v; want an error naming %s", err, addr)
	}
}
