package upstream

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gatewaylab/05-loadbalance/balancer"
	"gatewaylab/09-final-gateway/config"
)

// backend starts a real upstream that answers with its name.
func backend(t *testing.T, name string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, name)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func service(t *testing.T, cfg config.Service, obs balancer.OutcomeObserver) *Service {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "svc"
	}
	if cfg.Protocol == "" {
		cfg.Protocol = "http"
	}
	if cfg.Balancer.Policy == "" {
		cfg.Balancer.Policy = "round_robin"
	}
	if cfg.Balancer.HashKey == "" {
		cfg.Balancer.HashKey = "ip"
	}
	for i := range cfg.Targets {
		if cfg.Targets[i].Weight == 0 {
			cfg.Targets[i].Weight = 1
		}
	}
	s, err := New(cfg, nil, obs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func front(t *testing.T, s *Service) string {
	t.Helper()
	h, err := s.Handler(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestBalancesAcrossTargets(t *testing.T) {
	a, b := backend(t, "a"), backend(t, "b")
	url := front(t, service(t, config.Service{Targets: []config.Target{{Addr: a}, {Addr: b}}}, nil))
	counts := map[string]int{}
	for range 10 {
		_, body := get(t, url)
		counts[body]++
	}
	if counts["a"] != 5 || counts["b"] != 5 {
		t.Errorf("round robin counts %v, want 5 and 5", counts)
	}
}

type recorder struct {
	mu       sync.Mutex
	outcomes map[string][]balancer.Outcome
}

func (r *recorder) ObserveOutcome(ep *balancer.Endpoint, o balancer.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.outcomes == nil {
		r.outcomes = map[string][]balancer.Outcome{}
	}
	r.outcomes[ep.Addr()] = append(r.outcomes[ep.Addr()], o)
}

func TestRetriesRefusedTargetAndReportsIt(t *testing.T) {
	good, dead := backend(t, "good"), deadAddr(t)
	rec := &recorder{}
	s := service(t, config.Service{
		Targets:  []config.Target{{Addr: dead}, {Addr: good}},
		Upstream: config.Upstream{Retries: 1},
	}, rec)
	url := front(t, s)
	for range 4 {
		if code, body := get(t, url); code != 200 || body != "good" {
			t.Fatalf("got %d %q, want the request retried on the good target", code, body)
		}
	}
	// POST with a body is retried too: a refused connection never saw it.
	res, err := http.Post(url, "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("POST status %d", res.StatusCode)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.outcomes[dead]) == 0 || !rec.outcomes[dead][0].Failed() {
		t.Errorf("refused target's failures not reported: %+v", rec.outcomes[dead])
	}
	if n := len(rec.outcomes[good]); n != 5 {
		t.Errorf("good target outcomes %d, want 5", n)
	}
}

func TestNoRetryWhenDisabled(t *testing.T) {
	good, dead := backend(t, "good"), deadAddr(t)
	url := front(t, service(t, config.Service{
		Targets:  []config.Target{{Addr: dead}, {Addr: good}},
		Upstream: config.Upstream{Retries: -1},
	}, nil))
	codes := map[int]int{}
	for range 4 {
		code, _ := get(t, url)
		codes[code]++
	}
	if codes[502] != 2 || codes[200] != 2 {
		t.Errorf("status counts %v, want two 502 (no retry) and two 200", codes)
	}
}

func TestAllTargetsDownIs502AndNoTargetsIs503(t *testing.T) {
	url := front(t, service(t, config.Service{Targets: []config.Target{{Addr: deadAddr(t)}}}, nil))
	if code, _ := get(t, url); code != 502 {
		t.Errorf("status %d, want 502", code)
	}
	s := service(t, config.Service{Targets: []config.Target{{Addr: deadAddr(t)}}}, nil)
	if err := s.Balancer().Update(nil); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, front(t, s)); code != 503 {
		t.Errorf("status %d with no targets, want 503", code)
	}
}

func TestConsistentHashByHeader(t *testing.T) {
	a, b, c := backend(t, "a"), backend(t, "b"), backend(t, "c")
	url := front(t, service(t, config.Service{
		Targets:  []config.Target{{Addr: a}, {Addr: b}, {Addr: c}},
		Balancer: config.Balancer{Policy: "consistent_hash", HashKey: "header:X-User"},
	}, nil))
	for _, user := range []string{"alice", "bob", "carol"} {
		var first string
		for i := range 5 {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("X-User", user)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if i == 0 {
				first = string(b)
			} else if string(b) != first {
				t.Errorf("user %s moved from %s to %s", user, first, b)
			}
		}
	}
}

// TestWebSocketUpgradeThroughBalancer: a 101 body must stay writable through the
// outcome-reporting wrapper.
func TestWebSocketUpgradeThroughBalancer(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		line, _ := brw.ReadString('\n')
		brw.WriteString("echo " + line)
		brw.Flush()
	}))
	defer up.Close()
	url := front(t, service(t, config.Service{Targets: []config.Target{{Addr: up.Listener.Addr().String()}}}, nil))
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", res, err)
	}
	io.WriteString(c, "hi\n")
	if got, _ := br.ReadString('\n'); got != "echo hi\n" {
		t.Errorf("got %q", got)
	}
}

// TestTransportSetting: upstream.transport picks the path plain-HTTP requests take
// (stage 04's lean HTTP/1.1 transport, or net/http's); both proxy the same.
func TestTransportSetting(t *testing.T) {
	addr := backend(t, "ok")
	for _, tr := range []string{"lean", "std"} {
		t.Run(tr, func(t *testing.T) {
			s := service(t, config.Service{Targets: []config.Target{{Addr: addr}}, Upstream: config.Upstream{Transport: tr}}, nil)
			if (s.lean != nil) != (tr == "lean") {
				t.Fatalf("lean transport in use = %v for %q", s.lean != nil, tr)
			}
			if code, body := get(t, front(t, s)); code != 200 || body != "ok" {
				t.Errorf("got %d %q", code, body)
			}
		})
	}
}
