package gateway_test

import "testing"

// testTrustedProxies: an X-Forwarded-For from a client the listener does not trust is
// ignored (for the forwarded header, the IP filter and per-IP limits); a listener
// with trusted_proxies believes its load balancer.
func testTrustedProxies(t *testing.T, e *featuresEnv) {
	xff := hdr("X-Forwarded-For", "203.0.113.7")
	t.Run("forwarded_header", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			c    *client
			want string
		}{
			{"untrusted client", e.web, "127.0.0.1"},
			{"trusted proxy", e.trusted, "203.0.113.7, 127.0.0.1"},
		} {
			res := tc.c.Do(t, req{Path: "/echo/x", Header: xff})
			wantStatus(t, res, 200)
			if got := res.Answer(t).Header.Get("X-Forwarded-For"); got != tc.want {
				t.Errorf("%s: backend received X-Forwarded-For %q, want %q", tc.name, got, tc.want)
			}
		}
	})
	t.Run("ip_filter", func(t *testing.T) {
		wantStatus(t, e.web.Do(t, req{Path: "/xff-deny/x", Header: xff}), 200)
		wantStatus(t, e.trusted.Do(t, req{Path: "/xff-deny/x", Header: xff}), 403)
	})
	t.Run("per_ip_rate_limit", func(t *testing.T) {
		from := func(ip string) req { return req{Path: "/rl-ip/x", Header: hdr("X-Forwarded-For", ip)} }
		// Untrusted: both requests are 127.0.0.1's, whatever they claim.
		wantStatus(t, e.web.Do(t, from("198.51.100.1")), 200)
		wantStatus(t, e.web.Do(t, from("198.51.100.2")), 429)
		// Trusted: each client has its own bucket.
		wantStatus(t, e.trusted.Do(t, from("198.51.100.3")), 200)
		wantStatus(t, e.trusted.Do(t, from("198.51.100.4")), 200)
		wantStatus(t, e.trusted.Do(t, from("198.51.100.3")), 429)
	})
}
