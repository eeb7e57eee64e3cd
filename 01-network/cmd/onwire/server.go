package main

import (
	"io"
	"log"
	"net/http"
	"time"

	"gatewaylab/01-network/wire"
)

// wsMessage is what the server sends once the WebSocket is open.
const wsMessage = "hello over websocket"

func newServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if _, err := io.WriteString(w, "hello, wire\n"); err != nil {
			log.Printf("write /hello: %v", err)
		}
	})
	mux.HandleFunc("GET /ws", serveWebSocket)
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// serveWebSocket completes the handshake, sends one text frame and a close
// frame, and hangs up: just enough to see the bytes change protocol.
func serveWebSocket(w http.ResponseWriter, r *http.Request) {
	conn, _, err := wire.Upgrade(w, r, 5*time.Second)
	if err != nil {
		log.Printf("websocket handshake from %s: %v", r.RemoteAddr, err)
		return
	}
	defer conn.Close()
	// A server frame is never masked (RFC 6455 5.1): FIN+opcode, length, payload.
	frames := append([]byte{0x81, byte(len(wsMessage))}, wsMessage...)
	frames = append(frames, 0x88, 0x02, 0x03, 0xe8) // close frame, status 1000 (normal closure)
	if _, err := conn.Write(frames); err != nil {
		log.Printf("websocket write: %v", err)
	}
}
