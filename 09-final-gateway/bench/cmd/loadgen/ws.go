package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// wsWorkers dials n WebSocket connections; each worker sends a binary message of size
// bytes and waits for its echo.
func wsWorkers(ctx context.Context, url string, n, size int) ([]worker, func(), error) {
	msg := bytes.Repeat([]byte{'w'}, size)
	dialer := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conns := make([]*websocket.Conn, 0, n)
	closeAll := func() {
		for _, c := range conns {
			c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
				time.Now().Add(time.Second))
			c.Close()
		}
	}
	workers := make([]worker, 0, n)
	for range n {
		c, _, err := dialer.DialContext(ctx, url, nil)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("dial %s: %w", url, err)
		}
		conns = append(conns, c)
		workers = append(workers, wsRoundTrip(c, msg))
	}
	return workers, closeAll, nil
}

func wsRoundTrip(c *websocket.Conn, msg []byte) worker {
	return func(ctx context.Context) error {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
			return err
		}
		_, got, err := c.ReadMessage()
		if err != nil {
			return err
		}
		if len(got) != len(msg) {
			return fmt.Errorf("echo of %d bytes, sent %d", len(got), len(msg))
		}
		return nil
	}
}
