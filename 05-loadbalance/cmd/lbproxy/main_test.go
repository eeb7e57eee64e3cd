package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"gatewaylab/05-loadbalance/balancer"
)

// frontProxy starts the demo backends and a proxy in front of them with the given
// policy, and returns the proxy's URL and the backend addresses.
func frontProxy(t *testing.T, policy string, opts balancer.Options) (string, []string) {
	t.Helper()
	bs, err := startBackends(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bs.stop)
	lb, err := balancer.New(policy, opts)
	if err != nil {
		t.Fatal(err)
	}
	targets := make([]balancer.Target, len(bs.addrs))
	for i, a := range bs.addrs {
		targets[i] = balancer.Target{Addr: a, Weight: 1}
	}
	if err := lb.Update(targets); err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(mustLBProxy(t, lb, balancer.HeaderKey("X-User"), bs.addrs))
	t.Cleanup(front.Close)
	return front.URL, bs.addrs
}

// backendFor sends one request as user and returns the X-Backend that answered.
func backendFor(t *testing.T, url, user string) string {
	t.Helper()
	backend, err := get(t.Context(), http.DefaultClient, url, user)
	if err != nil {
		t.Fatal(err)
	}
	return backend
}

func TestRoundRobinReachesEveryBackendInTurn(t *testing.T) {
	url, addrs := frontProxy(t, balancer.PolicyRoundRobin, balancer.Options{})
	got := make(map[string]int)
	for range 3 * len(addrs) {
		got[backendFor(t, url+"/x", "")]++
	}
	for _, a := range addrs {
		if got[a] != 3 {
			t.Errorf("backend %s answered %d of 9 requests, want 3 (all: %v)", a, got[a], got)
		}
	}
}

func TestConsistentHashKeepsUserOnOneBackend(t *testing.T) {
	url, _ := frontProxy(t, balancer.PolicyConsistentHash, balancer.Options{})
	for _, user := range []string{"alice", "bob", "carol"} {
		first := backendFor(t, url, user)
		for range 5 {
			if got := backendFor(t, url, user); got != first {
				t.Fatalf("%s moved from %s to %s", user, first, got)
			}
		}
	}
}

func TestEmptyBalancerAnswers503(t *testing.T) {
	lb := balancer.NewRoundRobin(balancer.Options{})
	if got := statusThrough(t, mustLBProxy(t, lb, balancer.PathKey(), nil)); got != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", got)
	}
}

// statusThrough serves px on a real socket, sends it one GET and returns the status.
func statusThrough(t *testing.T, px *lbProxy) int {
	t.Helper()
	front := httptest.NewServer(px)
	t.Cleanup(front.Close)
	resp, err := http.Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode
}

func TestDeadBackendAnswers502AndReportsTheFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	if err := ln.Close(); err != nil { // nothing listens there any more: dials are refused
		t.Fatal(err)
	}
	var mu sync.Mutex
	var outcomes []balancer.Outcome
	lb := balancer.NewRoundRobin(balancer.Options{Observer: balancer.OutcomeObserverFunc(
		func(_ *balancer.Endpoint, o balancer.Outcome) {
			mu.Lock()
			defer mu.Unlock()
			outcomes = append(outcomes, o)
		})})
	if err := lb.Update([]balancer.Target{{Addr: dead, Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := statusThrough(t, mustLBProxy(t, lb, balancer.PathKey(), []string{dead})); got != http.StatusBadGateway {
		t.Fatalf("status = %d, want 502", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(outcomes) != 1 || outcomes[0].Err == nil || !outcomes[0].Failed() {
		t.Fatalf("observer saw %+v, want one failed outcome carrying the dial error", outcomes)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"defaults", nil, false},
		{"weights", []string{"-weights", "3,2,1", "-policy", "peak_ewma"}, false},
		{"too few weights", []string{"-weights", "1,1"}, true},
		{"not a number", []string{"-weights", "1,x,1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseFlags(%q) err = %v, wantErr %v", tt.args, err, tt.wantErr)
			}
		})
	}
}

func mustLBProxy(t *testing.T, lb balancer.Balancer, key balancer.KeyFunc, addrs []string) *lbProxy {
	t.Helper()
	px, err := newLBProxy(lb, key, addrs)
	if err != nil {
		t.Fatal(err)
	}
	return px
}
