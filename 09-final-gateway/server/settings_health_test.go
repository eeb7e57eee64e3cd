package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/config"
)

// healthYAML is a gateway with one service "api" over targets, with the given health
// block, behind the route / on listener web.
func healthYAML(targets, health string) string {
	return `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
services:
  - name: api
    targets: ` + targets + `
    health: ` + health + `
routes: [{name: api, path_prefix: /, service: api}]
`
}

// probeAnswer is what a target's /healthz answers.
type probeAnswer struct {
	status int
	body   string
}

// TestActiveHealthExpectStatusAndBody: health.active.expect_status replaces the default
// 2xx/3xx, and health.active.expect_body fails a probe whose body lacks the text. Each
// case is built so that the opposite verdict (the setting ignored) routes to the other
// target.
func TestActiveHealthExpectStatusAndBody(t *testing.T) {
	tests := []struct {
		name         string
		check        string
		good, bad    probeAnswer
		wantBadError string
	}{
		{
			name:  "expect_status accepts 418 and refuses 200",
			check: `expect_status: [418]`,
			good:  probeAnswer{http.StatusTeapot, "teapot"}, bad: probeAnswer{http.StatusOK, "ok"},
			wantBadError: "status 200",
		},
		{
			name:  "expect_body refuses a 200 without the text",
			check: `expect_body: "status: ok"`,
			good:  probeAnswer{http.StatusOK, "status: ok"}, bad: probeAnswer{http.StatusOK, "status: degraded"},
			wantBadError: "status: ok",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			good, bad := startTarget(t, "good"), startTarget(t, "bad")
			good.setHealth(tt.good.status, tt.good.body)
			bad.setHealth(tt.bad.status, tt.bad.body)
			// Probed at once, then every minute: the verdict comes from the first probe.
			s := startServer(t, healthYAML(targetsYAML(good, bad),
				`{active: {path: /healthz, `+tt.check+`, interval: 1m, timeout: 1s, fall: 1}}`))
			web := "http://" + s.Gateway.Addr("web") + "/x"
			eventually(t, routedOnlyTo(t, web, good), func() string {
				return "traffic still reaches the target the setting should fail: " + describeTargets(t, s, good, bad)
			})
			live := liveTargets(t, s)
			if !live[good.addr].Healthy {
				t.Errorf("good target unhealthy: %+v", live[good.addr])
			}
			if th := live[bad.addr]; th.Healthy || !strings.Contains(th.LastError, tt.wantBadError) {
				t.Errorf("bad target = %+v, want unhealthy with an error naming %q", th, tt.wantBadError)
			}
		})
	}
}

// TestActiveHealthUnhealthyInterval: an unhealthy target is probed every
// unhealthy_interval, a healthy one every interval; so a target that recovers is back
// in rotation within the short interval, not the long one.
func TestActiveHealthUnhealthyInterval(t *testing.T) {
	good, sick := startTarget(t, "good"), startTarget(t, "sick")
	sick.setHealth(http.StatusServiceUnavailable, "starting")
	s := startServer(t, healthYAML(targetsYAML(good, sick),
		`{active: {path: /healthz, interval: 1m, unhealthy_interval: 20ms, timeout: 1s, fall: 1, rise: 1}}`))
	eventually(t, func() bool { return sick.probes.Load() >= 5 }, func() string {
		return "the unhealthy target is not probed every 20ms: " + describeTargets(t, s, good, sick)
	})
	if n := good.probes.Load(); n > 1 {
		t.Errorf("the healthy target was probed %d times within its 1m interval", n)
	}
	sick.setHealth(http.StatusOK, "ok")
	web := "http://" + s.Gateway.Addr("web") + "/x"
	eventually(t, func() bool { _, body := get(t, web); return body == "sick" }, func() string {
		return "the recovered target did not come back: " + describeTargets(t, s, good, sick)
	})
}

// TestPassiveHealthMaxEjectionPercent: health.passive.max_ejection_percent caps the
// share of targets ejected at once, even when every target fails.
func TestPassiveHealthMaxEjectionPercent(t *testing.T) {
	tests := []struct {
		percent     int
		wantEjected int
	}{
		{50, 1},  // one of two
		{100, 2}, // all
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d percent", tt.percent), func(t *testing.T) {
			a, b := startTarget(t, "a"), startTarget(t, "b")
			a.failing.Store(true)
			b.failing.Store(true)
			s := startServer(t, healthYAML(targetsYAML(a, b), fmt.Sprintf(
				`{passive: {consecutive_failures: 1, base_ejection: 1m, max_ejection_percent: %d}}`, tt.percent)))
			web := "http://" + s.Gateway.Addr("web") + "/x"
			ejected := func() int {
				n := 0
				for _, th := range liveTargets(t, s) {
					if th.Ejected {
						n++
					}
				}
				return n
			}
			eventually(t, func() bool { get(t, web); return ejected() >= tt.wantEjected }, func() string {
				return "too few ejections: " + describeTargets(t, s, a, b)
			})
			// Every failure tries to eject its target: keep failing both for a while.
			before := a.hits.Load() + b.hits.Load()
			for a.hits.Load()+b.hits.Load() < before+6 {
				get(t, web)
			}
			if n := ejected(); n != tt.wantEjected {
				t.Errorf("%d targets ejected, want %d: %s", n, tt.wantEjected, describeTargets(t, s, a, b))
			}
		})
	}
}

// TestPassiveHealthPanicThreshold: below panic_threshold percent of usable targets, the
// gateway routes to every target, ejected ones included, rather than overload the few
// that are left. With two of three targets usable (66.7%), a threshold of 66 keeps the
// ejected target out and 67 puts it back.
func TestPassiveHealthPanicThreshold(t *testing.T) {
	tests := []struct {
		threshold int
		wantBad   bool // the ejected target still gets requests
	}{
		{66, false},
		{67, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("threshold %d", tt.threshold), func(t *testing.T) {
			a, bad, c := startTarget(t, "a"), startTarget(t, "bad"), startTarget(t, "c")
			bad.failing.Store(true)
			passive := fmt.Sprintf(`{passive: {consecutive_failures: 1, base_ejection: 1m, panic_threshold: %d}}`, tt.threshold)
			s := startServer(t, healthYAML(targetsYAML(a, bad), passive))
			web := "http://" + s.Gateway.Addr("web") + "/x"
			eventually(t, func() bool { get(t, web); return liveTargets(t, s)[bad.addr].Ejected }, func() string {
				return "the failing target was not ejected: " + describeTargets(t, s, a, bad)
			})
			// Add c by a reload (in place: bad stays ejected). Once c answers, the
			// gateway routes by a decision that saw both the ejection and c.
			f, err := config.Parse("test.yaml", []byte(healthYAML(targetsYAML(a, bad, c), passive)))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Gateway.Reload(f); err != nil {
				t.Fatal(err)
			}
			eventually(t, func() bool { _, body := get(t, web); return body == "c" }, func() string {
				return "the new target gets no traffic: " + describeTargets(t, s, a, bad, c)
			})
			before := bad.hits.Load()
			for range 9 { // three rounds of round robin
				get(t, web)
			}
			if gotBad := bad.hits.Load() > before; gotBad != tt.wantBad {
				t.Errorf("ejected target got requests: %v, want %v (%s)", gotBad, tt.wantBad, describeTargets(t, s, a, bad, c))
			}
			if !liveTargets(t, s)[bad.addr].Ejected {
				t.Error("the failing target is no longer ejected; the case proves nothing")
			}
		})
	}
}
