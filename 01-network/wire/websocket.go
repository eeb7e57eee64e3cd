package wire

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// websocketGUID is the fixed string RFC 6455 section 1.3 appends to the key.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// keyBytes is the length of a decoded Sec-WebSocket-Key (section 4.1).
const keyBytes = 16

// Errors of the opening handshake.
var (
	// ErrNotWebSocket reports a request that does not ask for a WebSocket
	// upgrade the way section 4.2.1 requires.
	ErrNotWebSocket = errors.New("not a websocket handshake")
	// ErrBadKey reports a Sec-WebSocket-Key that is not 16 bytes in base64.
	ErrBadKey = errors.New("bad Sec-WebSocket-Key")
	// ErrAcceptMismatch reports a Sec-WebSocket-Accept that does not match
	// the key the client sent.
	ErrAcceptMismatch = errors.New("websocket accept value does not match the key")
)

// AcceptKey returns the Sec-WebSocket-Accept value for a
// Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + websocketGUID)) // RFC 6455 mandates SHA-1; it is a checksum here, not security
	return base64.StdEncoding.EncodeToString(sum[:])
}

// NewKey returns a fresh Sec-WebSocket-Key: 16 bytes from random, in base64.
func NewKey(random io.Reader) (string, error) {
	b := make([]byte, keyBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("websocket key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// CheckKey reports whether key is 16 bytes encoded in base64.
func CheckKey(key string) error {
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(b) != keyBytes {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// CheckAccept is the client's check of the server's 101 response.
func CheckAccept(key, accept string) error {
	if want := AcceptKey(key); accept != want {
		return fmt.Errorf("%w: got %q, want %q", ErrAcceptMismatch, accept, want)
	}
	return nil
}

// CheckUpgradeRequest validates a client's opening handshake and returns
// its key.
func CheckUpgradeRequest(r *http.Request) (string, error) {
	switch {
	case r.Method != http.MethodGet:
		return "", fmt.Errorf("%w: method %s, want GET", ErrNotWebSocket, r.Method)
	case !r.ProtoAtLeast(1, 1):
		return "", fmt.Errorf("%w: %s, want HTTP/1.1 or later", ErrNotWebSocket, r.Proto)
	case !hasToken(r.Header, "Connection", "upgrade"):
		return "", fmt.Errorf("%w: Connection header lacks the upgrade token", ErrNotWebSocket)
	case !hasToken(r.Header, "Upgrade", "websocket"):
		return "", fmt.Errorf("%w: Upgrade header lacks websocket", ErrNotWebSocket)
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "", fmt.Errorf("%w: Sec-WebSocket-Version %q, want 13", ErrNotWebSocket, r.Header.Get("Sec-WebSocket-Version"))
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return key, nil
}

// hasToken reports whether a comma-separated header contains token,
// ignoring case ("Connection: keep-alive, Upgrade" has "upgrade").
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// Upgrade completes the server side of the opening handshake: it checks r,
// hijacks the connection and writes the 101 response. On a bad request it
// answers 400 (426 for a wrong version) and returns the error. The caller
// owns the returned connection and must close it; buffered data the client
// sent after its handshake is in the returned reader.
func Upgrade(w http.ResponseWriter, r *http.Request, timeout time.Duration) (net.Conn, *bufio.Reader, error) {
	key, err := CheckUpgradeRequest(r)
	if err != nil {
		if r.Header.Get("Sec-WebSocket-Version") != "13" {
			w.Header().Set("Sec-WebSocket-Version", "13")
			http.Error(w, err.Error(), http.StatusUpgradeRequired)
		} else {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
		return nil, nil, err
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijack: %w", err)
	}
	if err := conn.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		conn.Close()
		return nil, nil, err
	}
	resp := "HTTP/1.1 101 Switching Protocols\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + AcceptKey(key) + "\r\n\r\n"
	if _, err := io.WriteString(conn, resp); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("write 101: %w", err)
	}
	return conn, rw.Reader, nil
}
