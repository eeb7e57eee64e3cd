package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// holdIdle opens n connections to rawURL and keeps them open and idle: for http://
// each sends one keep-alive GET first (so the proxy holds a served, idle connection),
// for ws:// each completes the WebSocket handshake. It prints {"ready": n} and holds
// them until stdin closes or hold passes, so the caller can read the proxy's memory.
func holdIdle(ctx context.Context, rawURL string, n int, hold time.Duration) error {
	open := openHTTP
	if strings.HasPrefix(rawURL, "ws://") {
		open = openWS
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for range n {
		c, err := open(ctx, rawURL)
		if err != nil {
			return err
		}
		closers = append(closers, c)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]int{"ready": n}); err != nil {
		return err
	}
	stdinClosed := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	select {
	case <-stdinClosed:
	case <-time.After(hold):
	case <-ctx.Done():
	}
	return nil
}

func openHTTP(ctx context.Context, rawURL string) (io.Closer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.RequestURI(), u.Host)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err == nil {
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

func openWS(ctx context.Context, rawURL string) (io.Closer, error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, _, err := d.DialContext(ctx, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", rawURL, err)
	}
	return c, nil
}
