// Command backend is the benchmark's upstream: the same tiny server behind every proxy.
//
//	backend -http 127.0.0.1:18001 -grpc 127.0.0.1:18101 -tcp-echo 127.0.0.1:18701
//
// HTTP (HTTP/1.1 keep-alive and cleartext HTTP/2 on one port): "/" answers a 64-byte
// body, "/16k" a 16 KiB one, both with explicit Content-Length, and "/ws" is a
// WebSocket echo (stage 08's). -grpc serves stage 08's gRPC Echo service; -tcp-echo
// echoes raw bytes. It runs until SIGINT or SIGTERM.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"gatewaylab/08-grpc-ws/echoserver"
	"gatewaylab/08-grpc-ws/wsserver"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:18001", "HTTP/1.1 + h2c address")
	grpcAddr := flag.String("grpc", "", "gRPC echo address (empty: none)")
	tcpAddr := flag.String("tcp-echo", "", "TCP echo address (empty: none)")
	name := flag.String("name", "backend", "name reported by the gRPC echo")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *httpAddr, *grpcAddr, *tcpAddr, *name); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, httpAddr, grpcAddr, tcpAddr, name string) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 3)
	srv, err := startHTTP(httpAddr, errc)
	if err != nil {
		return err
	}
	wg.Go(func() { <-ctx.Done(); shutdown(srv) })
	if grpcAddr != "" {
		g, err := startGRPC(grpcAddr, name, errc)
		if err != nil {
			return err
		}
		wg.Go(func() { <-ctx.Done(); g.Stop() })
	}
	if tcpAddr != "" {
		ln, err := net.Listen("tcp", tcpAddr)
		if err != nil {
			return err
		}
		var conns sync.Map // net.Conn -> struct{}: closed at shutdown
		wg.Go(func() {
			<-ctx.Done()
			ln.Close()
			conns.Range(func(c, _ any) bool { c.(net.Conn).Close(); return true })
		})
		wg.Go(func() { echoTCP(ln, &conns) })
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

var (
	body64  = bytes.Repeat([]byte("0123456789abcdef"), 4)
	body16k = bytes.Repeat([]byte("0123456789abcdef"), 1024)
)

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", fixed(body64))
	mux.HandleFunc("/16k", fixed(body16k))
	mux.Handle("/ws", wsserver.NewEcho(wsserver.Config{}))
	return mux
}

func fixed(b []byte) http.HandlerFunc {
	length := strconv.Itoa(len(b))
	return func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"text/plain"}
		h["Content-Length"] = []string{length}
		w.Write(b) // a client that went away is not the backend's problem
	}
}

func startHTTP(addr string, errc chan<- error) (*http.Server, error) {
	srv := &http.Server{
		Handler:           handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	return srv, nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
}

func startGRPC(addr, name string, errc chan<- error) (*grpc.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := grpc.NewServer()
	echoserver.Register(s, echoserver.New(name))
	go func() {
		if err := s.Serve(ln); err != nil {
			errc <- err
		}
	}()
	return s, nil
}

// echoTCP copies every connection's bytes back to it, until the listener closes.
func echoTCP(ln net.Listener, conns *sync.Map) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		conns.Store(c, struct{}{})
		wg.Go(func() {
			defer conns.Delete(c)
			defer c.Close()
			io.Copy(c, c)
		})
	}
}
