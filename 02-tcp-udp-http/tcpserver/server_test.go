package tcpserver_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"gatewaylab/02-tcp-udp-http/slowclient"
	"gatewaylab/02-tcp-udp-http/tcpserver"
)

func TestServeEchoesConcurrentClients(t *testing.T) {
	addr := startServer(t, &tcpserver.Server{Handler: lineEcho})

	const clients, lines = 20, 3
	var wg sync.WaitGroup
	errs := make(chan error, clients*lines)
	for i := range clients {
		wg.Go(func() {
			conn := dial(t, addr)
			r := bufio.NewReader(conn)
			for j := range lines {
				msg := fmt.Sprintf("client %d line %d", i, j)
				if got := exchange(t, conn, r, msg); got != msg {
					errs <- fmt.Errorf("reply = %q; want %q", got, msg)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestServerClosesConnectionWhenHandlerReturns(t *testing.T) {
	tests := []struct {
		name    string
		handler tcpserver.HandlerFunc
		want    string
	}{
		{
			name: "handler returns without Close",
			handler: func(_ context.Context, conn net.Conn) {
				io.WriteString(conn, "bye\n")
			},
			want: "bye\n",
		},
		{
			name: "handler panics",
			handler: func(_ context.Context, conn net.Conn) {
				io.WriteString(conn, "oops\n")
				panic("handler bug")
			},
			want: "oops\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startServer(t, &tcpserver.Server{Handler: tt.handler})
			for range 2 { // the second client proves the server survived
				if got := readToEOF(t, dial(t, addr)); got != tt.want {
					t.Errorf("client read %q then EOF; want %q", got, tt.want)
				}
			}
		})
	}
}

// TestShutdownIsGraceful walks the whole graceful shutdown: an idle client is
// closed at once, new clients are refused, a busy handler finishes its reply,
// and Shutdown returns only after that.
func TestShutdownIsGraceful(t *testing.T) {
	started, proceed := make(chan struct{}), make(chan struct{})
	handler := tcpserver.HandlerFunc(func(_ context.Context, conn net.Conn) {
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "slow\n" {
				close(started)
				<-proceed
			}
			if _, err := io.WriteString(conn, line); err != nil {
				return
			}
		}
	})
	srv := &tcpserver.Server{Handler: handler}
	addr := startServer(t, srv)

	idle := dial(t, addr)
	idleReader := bufio.NewReader(idle)
	exchange(t, idle, idleReader, "hello") // idle's handler now waits for its next line
	busy := dial(t, addr)
	busyReader := bufio.NewReader(busy)
	io.WriteString(busy, "slow\n")
	<-started

	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(t.Context()) }()

	if rest, err := io.ReadAll(idleReader); err != nil || len(rest) != 0 {
		t.Fatalf("idle client: read %q, %v; want EOF at once", rest, err)
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Fatal("dial during shutdown succeeded; want connection refused")
	}
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned %v while a handler was busy", err)
	default:
	}

	close(proceed)
	if reply, err := busyReader.ReadString('\n'); err != nil || reply != "slow\n" {
		t.Fatalf("busy client: reply %q, %v; want \"slow\\n\"", reply, err)
	}
	if rest := readToEOF(t, busy); rest != "" {
		t.Errorf("busy client: read %q after the reply; want EOF", rest)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown = %v; want nil", err)
	}
}

func TestShutdownForceClosesWhenContextExpires(t *testing.T) {
	handlerErr := make(chan error, 1)
	entered := make(chan struct{})
	stuck := tcpserver.HandlerFunc(func(ctx context.Context, _ net.Conn) {
		close(entered)
		<-ctx.Done() // a handler that never finishes on its own
		handlerErr <- ctx.Err()
	})
	srv := &tcpserver.Server{Handler: stuck}
	addr := startServer(t, srv)
	client := dial(t, addr)
	<-entered

	ctx, cancel := context.WithCancel(t.Context())
	shutdown := make(chan error, 1)
	go func() { shutdown <- srv.Shutdown(ctx) }()
	cancel()

	if err := <-shutdown; !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v; want context.Canceled", err)
	}
	if err := <-handlerErr; !errors.Is(err, context.Canceled) {
		t.Errorf("handler ctx.Err() = %v; want context.Canceled", err)
	}
	readToEOF(t, client)
}

func TestCloseClosesEveryConnection(t *testing.T) {
	var entered sync.WaitGroup
	entered.Add(3)
	blocked := tcpserver.HandlerFunc(func(ctx context.Context, _ net.Conn) {
		entered.Done()
		<-ctx.Done()
	})
	srv := &tcpserver.Server{Handler: blocked}
	addr := startServer(t, srv)
	clients := []net.Conn{dial(t, addr), dial(t, addr), dial(t, addr)}
	entered.Wait()

	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i, c := range clients {
		if rest := readToEOF(t, c); rest != "" {
			t.Errorf("client %d read %q; want EOF", i, rest)
		}
	}
}

func TestCloseIsIdempotentAndSafeBeforeServe(t *testing.T) {
	srv := &tcpserver.Server{Handler: lineEcho}
	for i := range 2 {
		if err := srv.Close(); err != nil {
			t.Fatalf("Close #%d = %v; want nil", i+1, err)
		}
	}
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Fatalf("Shutdown after Close = %v; want nil", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(ln); !errors.Is(err, tcpserver.ErrServerClosed) {
		t.Errorf("Serve after Close = %v; want ErrServerClosed", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept on the listener after Serve = %v; want net.ErrClosed (Serve closes it)", err)
	}
}

func TestServeRejectsBadSetup(t *testing.T) {
	tests := []struct {
		name string
		srv  *tcpserver.Server
		run  func(*tcpserver.Server) error
	}{
		{
			name: "nil handler",
			srv:  &tcpserver.Server{},
			run: func(s *tcpserver.Server) error {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					return err
				}
				return s.Serve(ln)
			},
		},
		{
			name: "empty addr",
			srv:  &tcpserver.Server{Handler: lineEcho},
			run:  (*tcpserver.Server).ListenAndServe,
		},
		{
			name: "invalid address",
			srv:  &tcpserver.Server{Handler: lineEcho, Addr: "256.0.0.1:1"},
			run:  (*tcpserver.Server).ListenAndServe,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(tt.srv)
			if err == nil || errors.Is(err, tcpserver.ErrServerClosed) {
				t.Errorf("got %v; want a setup error", err)
			}
		})
	}
}

// TestSilentClientIsCutOverLoopback is the real-socket twin of
// TestSlowClientsAreCut: a client that connects and says nothing is closed.
func TestSilentClientIsCutOverLoopback(t *testing.T) {
	srv := &tcpserver.Server{Handler: lineEcho, IdleTimeout: 50 * time.Millisecond}
	addr := startServer(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := slowclient.Run(ctx, addr, slowclient.Plan{})
	if err != nil || !res.ClosedByServer {
		t.Fatalf("silent client: closed=%v, err=%v; want the server to close it", res.ClosedByServer, err)
	}
}

func TestListenAndServe(t *testing.T) {
	srv := &tcpserver.Server{Addr: "127.0.0.1:0", Handler: lineEcho, Logger: quietLogger}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-served; !errors.Is(err, tcpserver.ErrServerClosed) {
		t.Errorf("ListenAndServe = %v; want ErrServerClosed", err)
	}
}

// TestHandlerCanHalfClose: the connection a handler gets passes CloseWrite through, so
// the client reads EOF while it can still send.
func TestHandlerCanHalfClose(t *testing.T) {
	srv := &tcpserver.Server{Handler: tcpserver.HandlerFunc(func(ctx context.Context, c net.Conn) {
		io.WriteString(c, "bye")
		if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
			t.Errorf("CloseWrite: %v", err)
		}
		got, _ := io.ReadAll(c)
		io.WriteString(io.Discard, string(got))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(c) // ends at the server's FIN, not at a close
	if err != nil || string(got) != "bye" {
		t.Fatalf("read %q, %v", got, err)
	}
	if _, err := io.WriteString(c, "still open"); err != nil {
		t.Errorf("write after the server's half-close: %v", err)
	}
}
