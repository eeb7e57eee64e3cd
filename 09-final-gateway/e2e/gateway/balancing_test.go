package gateway_test

import (
	"fmt"
	"testing"
	"time"
)

// testBalancing runs every balancer policy through the gateway and checks the spread or
// the stickiness the policy promises, counting what each backend received.
func testBalancing(t *testing.T, e *featuresEnv) {
	t.Run("round_robin", func(t *testing.T) {
		spread(t, e, "/lb/rr/x", 30, map[*httpBackend]int{e.A: 10, e.B: 10, e.C: 10})
	})
	t.Run("weighted_round_robin", func(t *testing.T) {
		spread(t, e, "/lb/wrr/x", 40, map[*httpBackend]int{e.A: 30, e.B: 10})
	})
	t.Run("random", func(t *testing.T) {
		got := send(t, e.web, "/lb/random/x", 60, nil)
		for _, b := range []string{"a", "b"} {
			if got[b] < 10 { // binomial(60, 1/2) below 10: about 1e-8
				t.Fatalf("random spread %v: backend %s nearly unused", got, b)
			}
		}
	})
	t.Run("consistent_hash_header", func(t *testing.T) {
		sticky(t, e.web, "/lb/hash-header/x", func(user string) req {
			return req{Header: hdr("X-User", user)}
		})
	})
	t.Run("consistent_hash_cookie", func(t *testing.T) {
		sticky(t, e.web, "/lb/hash-cookie/x", func(user string) req {
			return req{Header: hdr("Cookie", "theme=dark; session="+user)}
		})
	})
	t.Run("consistent_hash_path", func(t *testing.T) {
		sticky(t, e.web, "/lb/hash-path/", func(user string) req { return req{Path: "/lb/hash-path/" + user} })
	})
	t.Run("consistent_hash_client_ip_from_trusted_proxy", func(t *testing.T) {
		sticky(t, e.trusted, "/lb/hash-ip/x", func(user string) req {
			return req{Header: hdr("X-Forwarded-For", "198.51.100."+user[len("user"):])}
		})
	})
	t.Run("consistent_hash_client_ip_untrusted", func(t *testing.T) {
		got := map[string]int{}
		for i := range 12 {
			res := e.web.Do(t, req{Path: "/lb/hash-ip/x", Header: hdr("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))})
			wantStatus(t, res, 200)
			got[res.Backend()]++
		}
		if len(got) != 1 {
			t.Fatalf("an untrusted client chose its backend with X-Forwarded-For: %v", got)
		}
	})
	t.Run("bounded_hash", func(t *testing.T) {
		sticky(t, e.web, "/lb/bounded/x", func(user string) req {
			return req{Header: hdr("X-User", user)}
		})
	})
	t.Run("least_conn", func(t *testing.T) { leastConn(t, e) })
	t.Run("peak_ewma", func(t *testing.T) {
		e.E1.Delay.Store(int64(40 * time.Millisecond))
		defer e.E1.Delay.Store(0)
		got := send(t, e.web, "/lb/ewma/x", 40, nil)
		if got["e2"] < 30 {
			t.Fatalf("peak_ewma sent %v; want most to the fast backend e2", got)
		}
	})
}

// send makes n requests to path and counts the answering backends.
func send(t *testing.T, c *client, path string, n int, h func(i int) req) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := range n {
		r := req{Path: path}
		if h != nil {
			r = h(i)
		}
		res := c.Do(t, r)
		wantStatus(t, res, 200)
		got[res.Backend()]++
	}
	return got
}

// spread sends n requests and checks how many each backend received.
func spread(t *testing.T, e *featuresEnv, path string, n int, want map[*httpBackend]int) {
	t.Helper()
	before := map[*httpBackend]int{}
	for b := range want {
		before[b] = b.Count(path)
	}
	send(t, e.web, path, n, nil)
	for b, w := range want {
		if got := b.Count(path) - before[b]; got != w {
			t.Errorf("backend %s received %d of %d requests, want %d", b.name, got, n, w)
		}
	}
}

// sticky checks that each of 20 users keeps its backend over 3 requests, and that
// the users are spread over more than one backend.
func sticky(t *testing.T, c *client, path string, build func(user string) req) {
	t.Helper()
	backends := map[string]bool{}
	for u := range 20 {
		user := fmt.Sprintf("user%d", u)
		first := ""
		for range 3 {
			r := build(user)
			r.Path = cmpOr(r.Path, path)
			res := c.Do(t, r)
			wantStatus(t, res, 200)
			if first == "" {
				first = res.Backend()
			}
			if res.Backend() != first {
				t.Fatalf("%s went to %s, then to %s", user, first, res.Backend())
			}
		}
		backends[first] = true
	}
	if len(backends) < 2 {
		t.Fatalf("20 keys all hashed to %v", backends)
	}
}

// leastConn holds a request on one backend: the next ones must go to the other.
func leastConn(t *testing.T, e *featuresEnv) {
	held := make(chan response, 1)
	go func() {
		res, err := e.web.Try(req{Path: "/lb/least/hold"})
		if err != nil {
			t.Errorf("held request: %v", err)
		}
		held <- res
	}()
	busy := e.A
	select {
	case <-e.A.arrived:
	case <-e.B.arrived:
		busy = e.B
	case <-time.After(10 * time.Second):
		t.Fatal("the held request did not arrive")
	}
	got := send(t, e.web, "/lb/least/x", 6, nil)
	busy.Release()
	if res := <-held; res.Status != 200 {
		t.Fatalf("held request: status %d", res.Status)
	}
	if got[busy.name] != 0 {
		t.Fatalf("least_conn sent %v while %s had a request in flight", got, busy.name)
	}
}
