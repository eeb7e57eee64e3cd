package targets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/config"
)

// TestRender renders every configuration and checks what the benchmark's fairness
// rests on: the gateway files are valid gateway configurations, and nginx's keeps its
// connections alive (perf-baseline.md: nginx's default closes them every 1000
// requests, which no other proxy does).
func TestRender(t *testing.T) {
	l := NewLayout(t.TempDir(), 2, DefaultPorts)
	if err := l.Render(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{GatewayConf, GatewayB, BareConf} {
		if _, err := config.Load(filepath.Join(l.Dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	nginx, err := os.ReadFile(filepath.Join(l.Dir, NginxConf))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"keepalive_requests 1000000;", "access_log off;", "worker_processes 2;", "keepalive 128;"} {
		if strings.Count(string(nginx), want) == 0 {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
	gw, err := os.ReadFile(filepath.Join(l.Dir, GatewayB))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gw), DefaultPorts.GatewayBHTTP) || strings.Contains(string(gw), DefaultPorts.GatewayHTTP) {
		t.Error("gateway-b.yaml does not listen on the B ports only")
	}
}

// TestEveryScenarioHasDirect: ratios divide by the direct run of the same round.
func TestEveryScenarioHasDirect(t *testing.T) {
	l := NewLayout(t.TempDir(), 2, DefaultPorts)
	seen := map[string]bool{}
	for _, p := range l.Processes(Bins{Backend: "b", Gateway: "g", BareGW: "bg", GoProxy: "gp", Nginx: "n", HAProxy: "h", Caddy: "c"}) {
		seen[p.Name] = true
	}
	for _, sc := range l.Scenarios() {
		if sc.URLs["direct"] == "" || sc.URLs["gateway"] == "" {
			t.Errorf("%s: no direct or gateway target", sc.Name)
		}
		for target := range sc.URLs {
			if p := ProcessOf(target); p != "" && !seen[p] && target != "gateway-b" {
				t.Errorf("%s: target %s has no process", sc.Name, target)
			}
		}
	}
}
