package udp_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/udp"
)

// fastClient retries quickly so lossy tests stay short.
func fastClient(attempts int, retries *atomic.Int32) *udp.Client {
	return &udp.Client{
		Attempts:   attempts,
		Timeout:    25 * time.Millisecond,
		MaxTimeout: 400 * time.Millisecond,
		OnRetry:    func(int, error) { retries.Add(1) },
	}
}

func TestExchangeEchoes(t *testing.T) {
	addr := startUDP(t, &udp.Server{Handler: udp.Echo}, nil)
	tests := []struct {
		name    string
		payload []byte
	}{
		{name: "text", payload: []byte("hello")},
		{name: "empty datagram", payload: []byte{}},
		{name: "binary", payload: []byte{0, '-', 0xff, '+'}},
		{name: "largest that fits a reply", payload: bytes.Repeat([]byte("x"), udp.DefaultMaxDatagram-1)},
	}
	var c udp.Client
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Exchange(t.Context(), addr, tt.payload)
			if err != nil || !bytes.Equal(got, tt.payload) {
				t.Errorf("Exchange = %q, %v; want the echo", got, err)
			}
		})
	}
}

// TestRetriesThroughLoss drops datagrams on purpose and checks that the
// client retries until it gets its answer, or gives up with ErrNoReply.
func TestRetriesThroughLoss(t *testing.T) {
	tests := []struct {
		name        string
		dropIn      udp.DropFunc
		dropOut     udp.DropFunc
		attempts    int
		wantErr     error
		wantDropped uint64
		minRetries  int32
		minCalls    int32 // handler calls: a lost reply means the work was done twice
	}{
		{name: "first two requests lost", dropIn: udp.DropFirst(2), attempts: 6, wantDropped: 2, minRetries: 2, minCalls: 1},
		{name: "first reply lost", dropOut: udp.DropFirst(1), attempts: 6, wantDropped: 1, minRetries: 1, minCalls: 2},
		{name: "everything lost", dropIn: udp.DropFirst(1 << 20), attempts: 3, wantErr: udp.ErrNoReply, wantDropped: 3, minRetries: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls, retries atomic.Int32
			lossy := &udp.LossyConn{DropIn: tt.dropIn, DropOut: tt.dropOut}
			addr := startUDP(t, &udp.Server{Handler: countingEcho(&calls)}, func(pc net.PacketConn) net.PacketConn {
				lossy.PacketConn = pc
				return lossy
			})

			got, err := fastClient(tt.attempts, &retries).Exchange(t.Context(), addr, []byte("ping"))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Exchange = %q, %v; want error %v", got, err, tt.wantErr)
			}
			if err == nil && string(got) != "ping" {
				t.Errorf("reply = %q; want \"ping\"", got)
			}
			if lossy.Dropped() < tt.wantDropped || retries.Load() < tt.minRetries || calls.Load() < tt.minCalls {
				t.Errorf("dropped %d, retries %d, handler calls %d; want at least %d, %d, %d",
					lossy.Dropped(), retries.Load(), calls.Load(), tt.wantDropped, tt.minRetries, tt.minCalls)
			}
		})
	}
}

func TestNoServerGivesClearError(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close() // the port is now closed: the kernel answers with ICMP

	var retries atomic.Int32
	_, err = fastClient(2, &retries).Exchange(t.Context(), addr, []byte("anyone?"))
	if !errors.Is(err, udp.ErrNoReply) || !strings.Contains(err.Error(), "after 2 attempts") {
		t.Errorf("Exchange to a closed port = %v; want ErrNoReply after 2 attempts", err)
	}
}

func TestSizeLimits(t *testing.T) {
	big := func(n int) udp.HandlerFunc {
		return func(context.Context, net.Addr, []byte) ([]byte, error) { return make([]byte, n), nil }
	}
	tests := []struct {
		name    string
		server  udp.Server
		client  udp.Client
		payload []byte
		want    error
		wantMsg string
	}{
		{
			name:    "client refuses an oversize request",
			server:  udp.Server{Handler: udp.Echo},
			client:  udp.Client{MaxDatagram: 16},
			payload: make([]byte, 17),
			want:    udp.ErrTooLarge,
		},
		{
			name:    "server rejects an oversize request",
			server:  udp.Server{Handler: udp.Echo, MaxDatagram: 16},
			payload: make([]byte, 100),
			want:    udp.ErrRemote,
			wantMsg: "request larger than 16 bytes",
		},
		{
			name:    "reply larger than the client's buffer is truncated",
			server:  udp.Server{Handler: big(500)},
			client:  udp.Client{MaxDatagram: 64},
			payload: []byte("x"),
			want:    udp.ErrTruncated,
		},
		{
			name:    "server refuses to send an oversize reply",
			server:  udp.Server{Handler: big(2000)},
			payload: []byte("x"),
			want:    udp.ErrRemote,
			wantMsg: "reply of 2001 bytes exceeds the 1472-byte limit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startUDP(t, &tt.server, nil)
			_, err := tt.client.Exchange(t.Context(), addr, tt.payload)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Exchange = %v; want %v %q", err, tt.want, tt.wantMsg)
			}
		})
	}
}

func TestHandlerFailuresBecomeErrorReplies(t *testing.T) {
	handler := udp.HandlerFunc(func(_ context.Context, _ net.Addr, p []byte) ([]byte, error) {
		switch string(p) {
		case "fail":
			return nil, errors.New("cannot do that")
		case "panic":
			panic("handler bug")
		}
		return p, nil
	})
	addr := startUDP(t, &udp.Server{Handler: handler, Workers: 1}, nil)
	tests := []struct {
		request string
		want    string // reply, or the error text
	}{
		{request: "fail", want: "udp: server error: cannot do that"},
		{request: "panic", want: "udp: server error: internal error"},
		{request: "still alive", want: "still alive"},
	}
	var c udp.Client
	for _, tt := range tests {
		t.Run(tt.request, func(t *testing.T) {
			reply, err := c.Exchange(t.Context(), addr, []byte(tt.request))
			got := string(reply)
			if err != nil {
				got = err.Error()
			}
			if !strings.HasSuffix(got, tt.want) {
				t.Errorf("Exchange(%q) gave %q; want %q", tt.request, got, tt.want)
			}
		})
	}
}

// TestServeAnswersInFlightRequestsOnShutdown: canceling Serve's context stops
// reading, but a request already being handled still gets its reply.
func TestServeAnswersInFlightRequestsOnShutdown(t *testing.T) {
	started, proceed := make(chan struct{}), make(chan struct{})
	slow := udp.HandlerFunc(func(_ context.Context, _ net.Addr, p []byte) ([]byte, error) {
		close(started)
		<-proceed
		return p, nil
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- (&udp.Server{Handler: slow}).Serve(ctx, pc) }()

	replies := make(chan error, 1)
	go func() {
		c := udp.Client{Attempts: 1, Timeout: 10 * time.Second}
		_, err := c.Exchange(t.Context(), pc.LocalAddr().String(), []byte("last one"))
		replies <- err
	}()
	<-started
	cancel()
	close(proceed)
	if err := <-replies; err != nil {
		t.Errorf("in-flight request: %v; want its reply", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v; want nil", err)
	}
}

func TestServeReportsBrokenSocket(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc.Close()
	if err := (&udp.Server{Handler: udp.Echo}).Serve(t.Context(), pc); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve on a closed socket = %v; want net.ErrClosed", err)
	}
}

func TestExchangeStopsWithContext(t *testing.T) {
	addr := startUDP(t, &udp.Server{Handler: udp.Echo}, func(pc net.PacketConn) net.PacketConn {
		return &udp.LossyConn{PacketConn: pc, DropIn: udp.DropFirst(1 << 20)}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	c := udp.Client{Timeout: time.Minute}
	if _, err := c.Exchange(ctx, addr, []byte("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Exchange = %v; want context.DeadlineExceeded", err)
	}
}
