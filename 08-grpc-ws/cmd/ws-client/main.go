// Command ws-client is a tiny WebSocket client. Given messages as arguments it sends
// each, prints every answer that arrives within -wait, then closes normally and exits;
// without arguments it sends each line typed on stdin until EOF (Ctrl-D). It prints
// the close code and reason the server (or the proxy) ends the connection with, so a
// message "close 4000 bye" to the echo server shows a close code crossing the proxy.
//
//	go run ./08-grpc-ws/cmd/ws-client -url ws://127.0.0.1:8404/echo hello "close 4000 bye"
//	go run ./08-grpc-ws/cmd/ws-client -url ws://127.0.0.1:8404/chat     # type lines; Ctrl-D ends
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	url := flag.String("url", "ws://127.0.0.1:8404/echo", "WebSocket URL")
	origin := flag.String("origin", "", "Origin header to send, as a browser would (e.g. https://evil.example)")
	wait := flag.Duration("wait", time.Second, "how long to wait for answers after the last message")
	flag.Parse()
	if err := run(*url, *origin, *wait, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "ws-client:", err)
		os.Exit(1)
	}
}

func run(url, origin string, wait time.Duration, msgs []string) error {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, res, err := d.Dial(url, h)
	if err != nil {
		if res != nil {
			return fmt.Errorf("handshake refused: HTTP %s", res.Status)
		}
		return err
	}
	defer c.Close()
	fmt.Printf("connected to %s\n", url)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		printIncoming(c)
	}()
	// Reading stdin cannot be interrupted; if the server closes first, main returns and
	// the process ends with this goroutine still waiting for a line.
	sent := make(chan error, 1)
	go func() {
		if len(msgs) == 0 {
			sent <- sendLines(c, os.Stdin)
			return
		}
		sent <- sendAll(c, msgs)
	}()
	select {
	case <-closed: // the server closed first
		return nil
	case err := <-sent:
		if err != nil {
			return err
		}
	}
	select {
	case <-closed:
		return nil
	case <-time.After(wait):
	}
	fmt.Println("> closing with 1000 (normal closure)")
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)); err != nil && !errors.Is(err, websocket.ErrCloseSent) {
		return err
	}
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
	}
	return nil
}

func sendAll(c *websocket.Conn, msgs []string) error {
	for _, m := range msgs {
		fmt.Printf("> %s\n", m)
		if err := c.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return nil
}

func sendLines(c *websocket.Conn, in io.Reader) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if err := c.WriteMessage(websocket.TextMessage, sc.Bytes()); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return sc.Err()
}

// printIncoming prints messages until the connection ends, then how it ended.
func printIncoming(c *websocket.Conn) {
	for {
		mt, msg, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				fmt.Printf("< close frame: code %d (%s) reason %q\n", ce.Code, closeName(ce.Code), ce.Text)
			}
			return
		}
		kind := "text"
		if mt == websocket.BinaryMessage {
			kind = "binary"
		}
		fmt.Printf("< %s: %s\n", kind, msg)
	}
}

func closeName(code int) string {
	switch code {
	case websocket.CloseNormalClosure:
		return "normal closure"
	case websocket.CloseGoingAway:
		return "going away"
	case websocket.CloseMessageTooBig:
		return "message too big"
	case websocket.CloseInternalServerErr:
		return "internal error"
	case websocket.ClosePolicyViolation:
		return "policy violation"
	}
	if code >= 4000 && code <= 4999 {
		return "application code"
	}
	return "see RFC 6455 section 7.4"
}
