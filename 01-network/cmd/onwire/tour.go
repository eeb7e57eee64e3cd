package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"gatewaylab/01-network/wire"
)

// tapLimit bounds what the tour records; both exchanges are tiny.
const tapLimit = 64 << 10

func tour(ctx context.Context, addr string) error {
	fmt.Printf("A tiny HTTP server listens on %s. '>' is what the client sent, '<' what it received;\n", addr)
	fmt.Println("\\r\\n are the two bytes (CR LF) that end every HTTP/1.1 header line.")
	if err := httpTour(ctx, addr); err != nil {
		return err
	}
	return webSocketTour(ctx, addr)
}

// httpTour sends one GET through a tapped connection and dumps both ways.
func httpTour(ctx context.Context, addr string) error {
	tap := wire.NewTap(tapLimit)
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, address)
			if err != nil {
				return nil, err
			}
			return tap.Conn(c), nil
		},
		DisableCompression: true, // no Accept-Encoding: gzip, to keep the bytes readable
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/hello", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET /hello: %w", err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	fmt.Println("\n1. HTTP/1.1: GET /hello")
	if err := wire.Dump(os.Stdout, tap.Chunks()); err != nil {
		return err
	}
	fmt.Println("   The request is a request line, headers, and an empty line (\\r\\n\\r\\n) that ends them.")
	fmt.Println("   The response's Content-Length says where its body ends, so the connection can stay")
	fmt.Println("   open for the next request (keep-alive): HTTP/1.1 has no other end-of-message marker.")
	return nil
}

// webSocketTour performs the opening handshake by hand and dumps it.
func webSocketTour(ctx context.Context, addr string) error {
	key, err := wire.NewKey(rand.Reader)
	if err != nil {
		return err
	}
	tap := wire.NewTap(tapLimit)
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", addr, err)
	}
	defer raw.Close()
	if err := raw.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	conn := tap.Conn(raw)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return fmt.Errorf("write handshake: %w", err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return fmt.Errorf("read handshake response: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("handshake answered %s, want 101", resp.Status)
	}
	accept := resp.Header.Get("Sec-WebSocket-Accept")
	acceptErr := wire.CheckAccept(key, accept)
	if _, err := io.Copy(io.Discard, br); err != nil { // the frames, until the server hangs up
		return fmt.Errorf("read frames: %w", err)
	}
	fmt.Println("\n2. WebSocket opening handshake (RFC 6455), then two frames")
	if err := wire.Dump(os.Stdout, tap.Chunks()); err != nil {
		return err
	}
	explainWebSocket(key, accept, acceptErr)
	return acceptErr
}

func explainWebSocket(key, accept string, acceptErr error) {
	fmt.Println("   An ordinary GET asks to switch protocols; 101 agrees, and from the next byte on the")
	fmt.Println("   same TCP connection carries WebSocket frames, not HTTP.")
	fmt.Printf("   Sec-WebSocket-Accept = base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\"))\n")
	fmt.Printf("     key %s -> expected %s, received %s: ", key, wire.AcceptKey(key), accept)
	if acceptErr != nil {
		fmt.Println("MISMATCH")
	} else {
		fmt.Println("match")
	}
	fmt.Println("     (RFC 6455's own example: dGhlIHNhbXBsZSBub25jZQ== -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=)")
	fmt.Printf("   Frame \\x81\\x%02x: FIN set, opcode 1 (text), payload length %d, not masked (server frames never are).\n",
		len(wsMessage), len(wsMessage))
	fmt.Println("   Frame \\x88\\x02\\x03\\xe8: opcode 8 (close) with status code 1000, normal closure.")
	fmt.Println("\nTry it by hand: go run ./01-network/cmd/onwire -listen 127.0.0.1:8080")
}
