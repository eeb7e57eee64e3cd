package reliability_test

import (
	"crypto/rand"
	"net/http"
	"testing"
	"time"
)

// testConnectionHeader: a client may name headers in Connection (RFC 9110 section
// 7.6.1) and the proxy then removes them from what it forwards. That must only ever
// remove the client's own headers, never those the gateway sets on the way in: the
// authenticated identity, the request id, a route's request_headers (golang/go#50580
// is the same bug in httputil's Director).
func testConnectionHeader(t *testing.T, e *attackEnv) {
	bearer := "Bearer " + token(t, "app", time.Minute)
	for _, tc := range []struct {
		name       string
		connection string
		want       map[string]string // header -> value the backend must receive
	}{
		{"identity", "X-Gateway-App", map[string]string{"X-Gateway-App": "tester"}},
		{"request_headers_set", "X-Gateway-Verified", map[string]string{"X-Gateway-Verified": "yes"}},
		{"request_id", "X-Request-Id", map[string]string{"X-Request-Id": "*"}},
		{"forwarded_for", "X-Forwarded-For", map[string]string{"X-Forwarded-For": "127.0.0.1"}},
		{"all_at_once", "keep-alive, X-Gateway-App, X-Gateway-Verified, X-Request-Id",
			map[string]string{"X-Gateway-App": "tester", "X-Gateway-Verified": "yes", "X-Request-Id": "*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := rand.Text()[:12]
			res := get(t, e.addr.Web, "/app/x", hdr("Authorization", bearer, "Connection", tc.connection,
				"X-Test-Id", id))
			wantStatus(t, res, 200)
			got := e.public.WithHeader("X-Test-Id", id)
			if len(got) != 1 {
				t.Fatalf("the backend received %d copies, want 1", len(got))
			}
			for name, want := range tc.want {
				v := got[0].Header.Get(name)
				if v == "" || (want != "*" && v != want) {
					t.Errorf("Connection: %s: the backend received %s=%q, want %q", tc.connection, name, v, want)
				}
			}
		})
	}
	t.Run("client_header_named_is_removed", func(t *testing.T) {
		id := rand.Text()[:12]
		wantStatus(t, get(t, e.addr.Web, "/x", hdr("Connection", "X-Hop", "X-Hop", "1", "X-Test-Id", id)), 200)
		if got := e.public.WithHeader("X-Test-Id", id); len(got) != 1 || got[0].Header.Get("X-Hop") != "" {
			t.Fatalf("the backend received %+v, want one request without X-Hop", got)
		}
	})
	t.Run("authorization_named", func(t *testing.T) {
		wantStatus(t, get(t, e.addr.Web, "/admin/x", hdr("Connection", "Authorization")), 401)
		e.secretUntouched(t, "Connection: Authorization")
	})
}

// testForwardedFor: a client cannot choose the address IP lists and per-IP limits
// see. On a listener without trusted proxies every forwarding header is ignored; on
// one that trusts its load balancer, X-Forwarded-For is walked from the right and the
// first untrusted hop is the client (Traefik #3646: matching any hop let a client
// prepend an allowed address).
func testForwardedFor(t *testing.T, e *attackEnv) {
	web, trusted := e.addr.Web, e.addr.Trusted
	for _, tc := range []struct {
		name     string
		addr     string
		path     string
		header   http.Header
		status   int
		toSecret bool
	}{
		{"untrusted_xff_allowed_ip", web, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3"), 403, false},
		{"untrusted_xff_chain", web, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3, 10.1.2.4"), 403, false},
		{"untrusted_two_xff_headers", web, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3", "X-Forwarded-For", "10.9.9.9"), 403, false},
		{"untrusted_x_real_ip", web, "/internal/x", hdr("X-Real-Ip", "10.1.2.3"), 403, false},
		{"untrusted_forwarded", web, "/internal/x", hdr("Forwarded", "for=10.1.2.3"), 403, false},
		{"untrusted_true_client_ip", web, "/internal/x", hdr("True-Client-Ip", "10.1.2.3"), 403, false},
		{"untrusted_escape_deny", web, "/blocked/x", hdr("X-Forwarded-For", "8.8.8.8"), 403, false},
		{"trusted_allowed_client", trusted, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3"), 200, true},
		{"trusted_spoofed_left_of_real", trusted, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3, 203.0.113.9"), 403, false},
		{"trusted_spoofed_first_header", trusted, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3", "X-Forwarded-For", "203.0.113.9"), 403, false},
		{"trusted_garbage_right", trusted, "/internal/x", hdr("X-Forwarded-For", "10.1.2.3, not-an-ip"), 403, false},
		{"trusted_ipv6_client", trusted, "/internal/x", hdr("X-Forwarded-For", "2001:db8::1"), 403, false},
		{"trusted_mapped_ipv4", trusted, "/internal/x", hdr("X-Forwarded-For", "[::ffff:10.1.2.3]:443"), 200, true},
		{"trusted_real_ip_header_ignored", trusted, "/internal/x", hdr("X-Real-Ip", "10.1.2.3"), 403, false},
		{"trusted_client_outside_deny", trusted, "/blocked/x", hdr("X-Forwarded-For", "8.8.8.8"), 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.secret.Count()
			wantStatus(t, get(t, tc.addr, tc.path, tc.header), tc.status)
			if tc.toSecret {
				if e.secret.Count() != before+1 {
					t.Fatalf("the secret backend did not receive the allowed request")
				}
				e.secretSeen = e.secret.Count()
			}
			e.secretUntouched(t, tc.name)
		})
	}
	t.Run("backend_sees_the_real_client", func(t *testing.T) {
		id := rand.Text()[:12]
		wantStatus(t, get(t, web, "/x", hdr("X-Forwarded-For", "10.1.2.3", "X-Real-Ip", "10.1.2.3", "X-Test-Id", id)), 200)
		got := e.public.WithHeader("X-Test-Id", id)
		if len(got) != 1 || got[0].Header.Get("X-Forwarded-For") != "127.0.0.1" {
			t.Fatalf("the backend received %+v, want X-Forwarded-For: 127.0.0.1 (the client's replaced)", got)
		}
	})
	t.Run("per_ip_limit_untrusted", func(t *testing.T) {
		// Whatever each request claims, all three come from 127.0.0.1: one bucket of 2.
		codes := []int{}
		for _, ip := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3"} {
			codes = append(codes, get(t, web, "/per-ip/x", hdr("X-Forwarded-For", ip)).Status)
		}
		if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
			t.Fatalf("three requests claiming three addresses: %v, want 200 200 429", codes)
		}
	})
	t.Run("per_ip_limit_trusted", func(t *testing.T) {
		// Behind the trusted balancer each client has its own bucket of 2.
		codes := []int{}
		for _, ip := range []string{"198.51.100.7", "198.51.100.7", "198.51.100.7", "198.51.100.8"} {
			codes = append(codes, get(t, trusted, "/per-ip/x", hdr("X-Forwarded-For", ip)).Status)
		}
		if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 || codes[3] != 200 {
			t.Fatalf("client .7 three times then client .8: %v, want 200 200 429 200", codes)
		}
	})
}
