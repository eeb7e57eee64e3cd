package server

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestListenerReadHeaderTimeout: listeners[].timeouts.read_header bounds how long a
// client may take to send its request header (slowloris). A client that stops half
// way through is disconnected after read_header (100ms here), long before the 10s
// default; a client that sends its header at once is served.
func TestListenerReadHeaderTimeout(t *testing.T) {
	up := startTarget(t, "up")
	s := startServer(t, `
admin: {listen: "127.0.0.1:0"}
listeners:
  - {name: web, protocol: http, listen: "127.0.0.1:0", timeouts: {read_header: 100ms}}
services: [{name: api, targets: `+targetsYAML(up)+`}]
routes: [{name: api, path_prefix: /, service: api}]
`)
	addr := s.Gateway.Addr("web")
	if code, body := get(t, "http://"+addr+"/x"); code != 200 || body != "up" {
		t.Fatalf("a prompt client got %d %q", code, body)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /x HTTP/1.1\r\nHost: gw\r\n"); err != nil { // no blank line: unfinished
		t.Fatal(err)
	}
	// Far below the default (10s), far above 100ms: only the setting closes it in time.
	if err := conn.SetReadDeadline(time.Now().Add(3 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the listener still waits for the rest of the header after 3s: read_header 100ms not applied")
	}
	if up.hits.Load() != 1 {
		t.Errorf("the unfinished request reached the upstream (hits %d)", up.hits.Load())
	}
}
