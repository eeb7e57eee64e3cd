package wire_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"gatewaylab/01-network/wire"
)

// RFC 6455 section 1.3 works this example through.
const (
	rfcKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	rfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

func TestAcceptKeyRFCExample(t *testing.T) {
	if got := wire.AcceptKey(rfcKey); got != rfcAccept {
		t.Fatalf("AcceptKey(%q) = %q; want %q", rfcKey, got, rfcAccept)
	}
	if err := wire.CheckAccept(rfcKey, rfcAccept); err != nil {
		t.Errorf("CheckAccept(RFC example) = %v", err)
	}
	if err := wire.CheckAccept(rfcKey, "x3JJHMbDL1EzLkh9GBhXDw=="); !errors.Is(err, wire.ErrAcceptMismatch) {
		t.Errorf("CheckAccept(wrong) = %v; want ErrAcceptMismatch", err)
	}
}

func TestNewKey(t *testing.T) {
	key, err := wire.NewKey(bytes.NewReader(bytes.Repeat([]byte{0xab}, 16)))
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	if key != "q6urq6urq6urq6urq6urqw==" || wire.CheckKey(key) != nil {
		t.Errorf("NewKey = %q; want 16 bytes of 0xab in base64", key)
	}
	if _, err := wire.NewKey(iotest.ErrReader(io.ErrClosedPipe)); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("NewKey(failing reader) = %v; want the reader's error", err)
	}
}

func TestCheckKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{"rfc example", rfcKey, true},
		{"empty", "", false},
		{"not base64", "not*base64*at*all!!!!!!=", false},
		{"15 bytes", "AAAAAAAAAAAAAAAAAAAA", false},
		{"17 bytes", "AAAAAAAAAAAAAAAAAAAAAAA=", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wire.CheckKey(tt.key)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, wire.ErrBadKey)) {
				t.Errorf("CheckKey(%q) = %v; want ok=%v", tt.key, err, tt.ok)
			}
		})
	}
}

func upgradeRequest() *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/ws", nil)
	r.Header.Set("Connection", "keep-alive, Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", rfcKey)
	return r
}

func TestCheckUpgradeRequest(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*http.Request)
		want   error
	}{
		{"valid", func(*http.Request) {}, nil},
		{"post", func(r *http.Request) { r.Method = http.MethodPost }, wire.ErrNotWebSocket},
		{"http/1.0", func(r *http.Request) { r.ProtoMajor, r.ProtoMinor = 1, 0 }, wire.ErrNotWebSocket},
		{"no connection upgrade", func(r *http.Request) { r.Header.Set("Connection", "keep-alive") }, wire.ErrNotWebSocket},
		{"upgrade to h2c", func(r *http.Request) { r.Header.Set("Upgrade", "h2c") }, wire.ErrNotWebSocket},
		{"version 8", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Version", "8") }, wire.ErrNotWebSocket},
		{"short key", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Key", "c2hvcnQ=") }, wire.ErrBadKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upgradeRequest()
			tt.mutate(r)
			key, err := wire.CheckUpgradeRequest(r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckUpgradeRequest = %q, %v; want %v", key, err, tt.want)
			}
			if tt.want == nil && key != rfcKey {
				t.Errorf("key = %q; want %q", key, rfcKey)
			}
		})
	}
}

// startWebSocketServer serves /ws: the handshake, then one text frame "hi".
func startWebSocketServer(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := wire.Upgrade(w, r, time.Second)
		if err != nil {
			return // Upgrade has answered the client
		}
		defer conn.Close()
		conn.Write([]byte{0x81, 0x02, 'h', 'i'}) // FIN + text frame, unmasked, 2 bytes
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func TestUpgradeOverRealConnection(t *testing.T) {
	addr := startWebSocketServer(t)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	tap := wire.NewTap(1 << 16)
	tc := tap.Conn(conn)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + rfcKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(tc, req); err != nil {
		t.Fatalf("write handshake: %v", err)
	}
	br := bufio.NewReader(tc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read 101: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status = %s; want 101", resp.Status)
	}
	if err := wire.CheckAccept(rfcKey, resp.Header.Get("Sec-WebSocket-Accept")); err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, 4)
	if _, err := io.ReadFull(br, frame); err != nil || string(frame) != "\x81\x02hi" {
		t.Fatalf("frame after 101 = %q, %v; want a text frame \"hi\"", frame, err)
	}
	chunks := tap.Chunks()
	if len(chunks) != 2 || string(chunks[0].Data) != req || !strings.HasPrefix(string(chunks[1].Data), "HTTP/1.1 101 ") {
		t.Errorf("tap recorded %v; want the request sent, then the 101 received", chunks)
	}
}

func TestUpgradeRefusesPlainRequests(t *testing.T) {
	addr := startWebSocketServer(t)
	tests := []struct {
		name    string
		version string
		want    int
	}{
		{"plain GET", "13", http.StatusBadRequest},
		{"old version", "8", http.StatusUpgradeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/ws", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Sec-WebSocket-Version", tt.version)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d; want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func BenchmarkAcceptKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		wire.AcceptKey(rfcKey)
	}
}
