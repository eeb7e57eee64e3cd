package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"gatewaylab/08-grpc-ws/wsserver"
)

// wsBackend is a WebSocket server (echo or chat) on its own loopback port.
type wsBackend struct {
	name    string
	addr    string
	handler interface {
		http.Handler
		Shutdown(context.Context) error
	}
	server *http.Server
	served chan error
}

type backends struct {
	echo []*wsBackend
	chat *wsBackend
}

func startBackends() (*backends, error) {
	bs := &backends{}
	for _, name := range []string{"echo-1", "echo-2"} {
		b, err := startBackend(name, wsserver.NewEcho(wsserver.Config{Greeting: "connected to " + name}))
		if err != nil {
			bs.shutdown()
			return nil, err
		}
		bs.echo = append(bs.echo, b)
	}
	chat, err := startBackend("chat", wsserver.NewHub(wsserver.Config{Greeting: "welcome to the chat"}))
	if err != nil {
		bs.shutdown()
		return nil, err
	}
	bs.chat = chat
	return bs, nil
}

func startBackend(name string, h interface {
	http.Handler
	Shutdown(context.Context) error
}) (*wsBackend, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("%s: listen: %w", name, err)
	}
	b := &wsBackend{name: name, addr: lis.Addr().String(), handler: h, server: newServer(h), served: make(chan error, 1)}
	go func() { b.served <- b.server.Serve(lis) }()
	fmt.Printf("   %s backend on %s\n", name, b.addr)
	return b, nil
}

// newServer is an http.Server with the gateway's safe limits.
func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 1 << 20}
}

func (bs *backends) all() []*wsBackend {
	all := append([]*wsBackend(nil), bs.echo...)
	if bs.chat != nil {
		all = append(all, bs.chat)
	}
	return all
}

// shutdown stops every backend: HTTP first, then its WebSockets with 1001.
func (bs *backends) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, b := range bs.all() {
		err := errors.Join(b.server.Shutdown(ctx), b.handler.Shutdown(ctx))
		if serveErr := <-b.served; !errors.Is(serveErr, http.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
		if err != nil {
			fmt.Printf("%s: %v\n", b.name, err)
		}
	}
}
