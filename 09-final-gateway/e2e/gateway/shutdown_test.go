package gateway_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shutdownYAML has the listeners a graceful shutdown must drain: http with a slow
// request in flight, https with a development certificate, a WebSocket and a TCP
// session. The largest listener shutdown deadline is 3s.
const shutdownYAML = `
admin:
  listen: %[1]s
listeners:
  - name: web
    protocol: http
    listen: %[2]s
    timeouts: {shutdown: 3s}
  - name: secure
    protocol: https
    listen: %[3]s
    tls: {dev: true}
    timeouts: {shutdown: 3s}
  - name: tcp
    protocol: tcp
    listen: %[4]s
    service: echo-tcp
    timeouts: {shutdown: 1s}
services:
  - {name: slow, targets: [{addr: %[5]s}]}
  - {name: ws, targets: [{addr: %[6]s}]}
  - {name: echo-tcp, protocol: tcp, targets: [{addr: %[7]s}]}
routes:
  - {name: slow, path_prefix: /slow, service: slow}
  - {name: ws, path: /ws, service: ws}
`

// shutdownDeadline is the largest listener shutdown deadline of shutdownYAML, plus
// slack for a race-enabled build on busy cores.
const shutdownDeadline = 3*time.Second + 3*time.Second

// TestGracefulShutdown sends SIGTERM while a slow request is in flight and a WebSocket
// and a TCP session are open: the gateway stops accepting at once and says it is not
// ready, the slow request completes, the sessions are closed, and the process exits 0
// within its shutdown deadline.
func TestGracefulShutdown(t *testing.T) {
	backend, ws, echo := newHTTPBackend(t, "slow", plainHTTP1), newWSBackend(t), newTCPEcho(t)
	addrs := freeAddrs(t, 4)
	admin, web, secure, tcp := addrs[0], addrs[1], addrs[2], addrs[3]
	path := writeConfig(t, t.TempDir(), fmt.Sprintf(shutdownYAML, admin, web, secure, tcp, backend.Addr(), ws.Addr, echo.Addr))
	gw := startGateway(t, procOptions{Config: path, Admin: admin})

	t.Run("dev_certificate", func(t *testing.T) { testDevCertificate(t, gw, secure) })
	conn, _ := wsDial(t, "ws://"+web+"/ws", nil)
	session := dialTCP(t, tcp)
	session.Echo(t, "before shutdown")
	held := make(chan response, 1)
	go func() {
		res, err := newClient(web).Try(req{Path: "/slow/hold"})
		if err != nil {
			t.Errorf("in-flight request: %v", err)
		}
		held <- res
	}()
	backend.WaitHeld(t, 1)

	exited := make(chan time.Duration, 1)
	go func() { exited <- gw.Stop(t) }()
	t.Run("stops_accepting", func(t *testing.T) {
		eventually(t, 5*time.Second, "new connections refused", func() (bool, string) {
			c, err := net.DialTimeout("tcp", web, time.Second)
			if err == nil {
				c.Close()
			}
			return err != nil, fmt.Sprint(err)
		})
		eventually(t, 5*time.Second, "not ready while draining", func() (bool, string) {
			res, err := http.Get("http://" + admin + "/readyz")
			if err != nil {
				return false, err.Error()
			}
			res.Body.Close()
			return res.StatusCode == http.StatusServiceUnavailable, res.Status
		})
		select {
		case <-held:
			t.Fatal("the in-flight request ended before its backend answered")
		default:
		}
	})
	backend.Release()
	t.Run("in_flight_request_completes", func(t *testing.T) {
		res := <-held
		if res.Status != 200 || res.Answer(t).Path != "/slow/hold" {
			t.Fatalf("in-flight request: status %d body %q", res.Status, res.Body)
		}
	})
	t.Run("sessions_closed_and_exit_in_time", func(t *testing.T) {
		took := <-exited
		if code := gw.ExitCode(); code != 0 {
			t.Errorf("exit status %d, want 0", code)
		}
		if took > shutdownDeadline {
			t.Errorf("exit took %v after SIGTERM, want at most %v (the listeners' shutdown deadlines)", took.Round(time.Millisecond), shutdownDeadline)
		}
		if err := conn.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := conn.ReadMessage(); err == nil {
			t.Errorf("the websocket is still open after the gateway exited")
		}
		if err := session.conn.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := session.r.ReadByte(); err == nil {
			t.Errorf("the tcp session is still open after the gateway exited")
		}
	})
}

// testDevCertificate: an https listener with tls.dev serves HTTP/2 with a certificate
// signed by a development CA written to the temporary directory for curl --cacert, in
// a private directory of this user named after the listener and its address.
func testDevCertificate(t *testing.T, gw *gatewayProc, secure string) {
	dir := filepath.Join(gw.tmp, fmt.Sprintf("gatewaylab-dev-tls-%d", os.Getuid()), "secure-"+strings.ReplaceAll(secure, ":", "_"))
	pem, err := os.ReadFile(filepath.Join(dir, "dev-ca.pem"))
	if err != nil {
		t.Fatalf("the development CA certificate was not written: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("the development CA file holds no certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Protocols: new(http.Protocols)}
	tr.Protocols.SetHTTP2(true)
	c := &client{base: "https://" + secure, hc: &http.Client{Timeout: 10 * time.Second, Transport: tr}}
	res := c.Get(t, "/slow/x")
	wantStatus(t, res, 200)
	if res.Proto != "HTTP/2.0" {
		t.Fatalf("proto %s, want HTTP/2.0", res.Proto)
	}
}
