package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gatewaylab/04-proxy/tlsdev"
	"gatewaylab/05-loadbalance/balancer"
)

// TestFallbackContentType: a static fallback answers with middleware.fallback's
// content_type, text/plain by default, whatever type the failed upstream's answer had.
func TestFallbackContentType(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<h1>down</h1>")
	}))
	t.Cleanup(down.Close)
	tests := []struct {
		name, setting, want string
	}{
		{"set", `content_type: application/json`, "application/json"},
		{"default", ``, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services: [{name: api, targets: [{addr: "`+down.Listener.Addr().String()+`"}]}]
routes:
  - name: api
    path_prefix: /api
    service: api
    middleware:
      fallback: {status: 200, body: '{"items":[]}', `+tt.setting+`}
`)
			res, body := fetch(t, "http://"+s.Gateway.Addr("web")+"/api/items", nil)
			if res.StatusCode != 200 || body != `{"items":[]}` {
				t.Fatalf("got %d %q, want the fallback's 200 {\"items\":[]}", res.StatusCode, body)
			}
			if got := res.Header.Get("Content-Type"); got != tt.want {
				t.Errorf("Content-Type %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConsistentHashReplicas: balancer.replicas sets the virtual nodes per target on
// the hash ring. The gateway's choice for each key must be the choice of a ring built
// with that many replicas, and differ from one with the default 160.
func TestConsistentHashReplicas(t *testing.T) {
	a, b := startTarget(t, "a"), startTarget(t, "b")
	s := startServer(t, `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services:
  - name: api
    targets: `+targetsYAML(a, b)+`
    balancer: {policy: consistent_hash, hash_key: "header:X-User", replicas: 1}
routes: [{name: api, path_prefix: /, service: api}]
`)
	names := map[string]string{a.addr: a.name, b.addr: b.name}
	oneReplica, defaultReplicas := ringModel(t, 1, a.addr, b.addr), ringModel(t, 0, a.addr, b.addr)
	web := "http://" + s.Gateway.Addr("web") + "/x"
	distinguishes := false
	for i := range 64 {
		user := fmt.Sprintf("user-%d", i)
		_, got := fetch(t, web, http.Header{"X-User": {user}})
		if want := names[oneReplica(user)]; got != want {
			t.Errorf("key %s went to %s, a ring with 1 replica per target sends it to %s", user, got, want)
		}
		distinguishes = distinguishes || oneReplica(user) != defaultReplicas(user)
	}
	if !distinguishes {
		t.Fatal("no key maps differently with 1 and 160 replicas: the keys cannot tell the setting apart")
	}
}

// ringModel returns the target a consistent-hash ring over addrs with replicas
// virtual nodes (0: the default) picks for a key.
func ringModel(t *testing.T, replicas int, addrs ...string) func(key string) string {
	t.Helper()
	lb, err := balancer.New("consistent_hash", balancer.Options{Replicas: replicas})
	if err != nil {
		t.Fatal(err)
	}
	targets := make([]balancer.Target, len(addrs))
	for i, a := range addrs {
		targets[i] = balancer.Target{Addr: a, Weight: 1}
	}
	if err := lb.Update(targets); err != nil {
		t.Fatal(err)
	}
	return func(key string) string {
		ep, err := lb.Pick(key)
		if err != nil {
			t.Fatal(err)
		}
		defer ep.Done(balancer.Outcome{})
		return ep.Addr()
	}
}

// tlsTarget is an https upstream whose certificate names only backend.internal (not
// the 127.0.0.1 it listens on), signed by a CA written to caFile.
type tlsTarget struct {
	addr, caFile string

	mu     sync.Mutex
	sni    []string // the server name of every request (probes included), in order
	probes int
}

func startTLSTarget(t *testing.T) *tlsTarget {
	t.Helper()
	ca, err := tlsdev.NewCA("settings test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("backend.internal")
	if err != nil {
		t.Fatal(err)
	}
	tt := &tlsTarget{caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(tt.caFile, ca.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tt.mu.Lock()
		tt.sni = append(tt.sni, r.TLS.ServerName)
		if r.URL.Path == "/healthz" {
			tt.probes++
		}
		tt.mu.Unlock()
		io.WriteString(w, "secure")
	}))
	srv.TLS = tlsdev.ServerConfig(cert)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	tt.addr = srv.Listener.Addr().String()
	return tt
}

func (tt *tlsTarget) seen() (sni []string, probes int) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return append([]string(nil), tt.sni...), tt.probes
}

// httpsServiceYAML is a gateway with one https service over target, with tls and
// health blocks, behind the route /.
func httpsServiceYAML(target *tlsTarget, tls, health string) string {
	return `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services:
  - name: secure
    protocol: https
    targets: [{addr: "` + target.addr + `"}]
    tls: ` + tls + `
    health: ` + health + `
routes: [{name: secure, path_prefix: /, service: secure}]
`
}

// TestUpstreamTLSServerName: services[].tls.server_name is the name sent in SNI and
// verified in the target's certificate, so a target reached by IP address can present
// a certificate for its DNS name.
func TestUpstreamTLSServerName(t *testing.T) {
	tests := []struct {
		name     string
		tls      string
		wantCode int
		wantSNI  []string
	}{
		{"server_name verified and sent", `{ca_file: %q, server_name: backend.internal}`, 200, []string{"backend.internal"}},
		{"without it the address is verified", `{ca_file: %q}`, 502, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := startTLSTarget(t)
			s := startServer(t, httpsServiceYAML(target, fmt.Sprintf(tc.tls, target.caFile), `{}`))
			code, body := get(t, "http://"+s.Gateway.Addr("web")+"/x")
			if code != tc.wantCode {
				t.Errorf("status %d %q, want %d", code, body, tc.wantCode)
			}
			if sni, _ := target.seen(); strings.Join(sni, ",") != strings.Join(tc.wantSNI, ",") {
				t.Errorf("target saw requests with server names %q, want %q", sni, tc.wantSNI)
			}
		})
	}
}

// TestActiveHealthProbesUseServiceTLS: an https service's health probes reach the
// target the way its requests do, with tls.ca_file and tls.server_name; otherwise a
// private-CA target is never healthy and gets no traffic once fall probes failed.
func TestActiveHealthProbesUseServiceTLS(t *testing.T) {
	target := startTLSTarget(t)
	s := startServer(t, httpsServiceYAML(target,
		fmt.Sprintf(`{ca_file: %q, server_name: backend.internal}`, target.caFile),
		`{active: {path: /healthz, interval: 1m, timeout: 1s, fall: 1}}`))
	probed := func() bool {
		_, probes := target.seen()
		return probes > 0 || liveTargets(t, s)[target.addr].LastError != ""
	}
	eventually(t, probed, func() string { return "no probe result" })
	th := liveTargets(t, s)[target.addr]
	if sni, probes := target.seen(); probes == 0 || !th.Healthy {
		t.Fatalf("health probe never reached the target (probes %d, server names %q); target state %+v", probes, sni, th)
	}
	if code, body := get(t, "http://"+s.Gateway.Addr("web")+"/x"); code != 200 {
		t.Errorf("request after the probe: %d %q", code, body)
	}
}
