// Package targets describes what the benchmark runs: the backends, every proxy with
// its configuration (rendered from the templates in conf/), and the scenarios with the
// address each target serves them on. One Ports value places everything on loopback.
package targets

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// Ports places every listener. The defaults sit in 18000-18799, away from the
// gateway's own defaults (8080, 9001, 9901) so a demo gateway can keep running.
type Ports struct {
	Backend1, Backend2      string
	GRPC1, GRPC2            string
	Echo1, Echo2            string // TCP echo on the backends
	GatewayHTTP, GatewayTCP string
	GatewayGRPC             string
	GatewayBHTTP            string // a second gateway build (A/B), when given
	GatewayBTCP             string
	GatewayBGRPC            string
	BareHTTP, BareTCP       string
	NginxHTTP, NginxH2      string
	NginxTCP, NginxGRPC     string
	HAProxyHTTP, HAProxyTCP string
	HAProxyGRPC             string
	CaddyHTTP, CaddyGRPC    string
	GoStdHTTP, GoLeanHTTP   string
}

// DefaultPorts is the layout run.sh uses.
var DefaultPorts = Ports{
	Backend1: "127.0.0.1:18001", Backend2: "127.0.0.1:18002",
	GRPC1: "127.0.0.1:18101", GRPC2: "127.0.0.1:18102",
	Echo1: "127.0.0.1:18701", Echo2: "127.0.0.1:18702",
	GatewayHTTP: "127.0.0.1:18201", GatewayTCP: "127.0.0.1:18202", GatewayGRPC: "127.0.0.1:18203",
	GatewayBHTTP: "127.0.0.1:18221", GatewayBTCP: "127.0.0.1:18222", GatewayBGRPC: "127.0.0.1:18223",
	BareHTTP: "127.0.0.1:18211", BareTCP: "127.0.0.1:18212",
	NginxHTTP: "127.0.0.1:18301", NginxH2: "127.0.0.1:18302", NginxTCP: "127.0.0.1:18303", NginxGRPC: "127.0.0.1:18304",
	HAProxyHTTP: "127.0.0.1:18401", HAProxyTCP: "127.0.0.1:18403", HAProxyGRPC: "127.0.0.1:18404",
	CaddyHTTP: "127.0.0.1:18501", CaddyGRPC: "127.0.0.1:18504",
	GoStdHTTP: "127.0.0.1:18601", GoLeanHTTP: "127.0.0.1:18602",
}

// All lists every address, for the free-port check.
func (p Ports) All() []string {
	return []string{p.Backend1, p.Backend2, p.GRPC1, p.GRPC2, p.Echo1, p.Echo2,
		p.GatewayHTTP, p.GatewayTCP, p.GatewayGRPC, p.GatewayBHTTP, p.GatewayBTCP, p.GatewayBGRPC, p.BareHTTP, p.BareTCP,
		p.NginxHTTP, p.NginxH2, p.NginxTCP, p.NginxGRPC, p.HAProxyHTTP, p.HAProxyTCP, p.HAProxyGRPC,
		p.CaddyHTTP, p.CaddyGRPC, p.GoStdHTTP, p.GoLeanHTTP}
}

// Layout is what the configuration templates need.
type Layout struct {
	Dir          string // where configs, pid files and temp files go
	Workers      int    // nginx worker_processes, haproxy nbthread
	StreamModule string // path of nginx's stream module ("" when not installed: no TCP target)
	Ports        Ports
	HTTPBackends []string
	GRPCBackends []string
	GW           GatewayPorts // the gateway being rendered
}

// GatewayPorts are one gateway's listeners.
type GatewayPorts struct{ HTTP, TCP, GRPC string }

// NewLayout places a run's files in dir.
func NewLayout(dir string, workers int, ports Ports) Layout {
	l := Layout{Dir: dir, Workers: workers, Ports: ports,
		HTTPBackends: []string{ports.Backend1, ports.Backend2},
		GRPCBackends: []string{ports.GRPC1, ports.GRPC2}}
	for _, p := range []string{"/usr/lib/nginx/modules/ngx_stream_module.so", "/usr/lib64/nginx/modules/ngx_stream_module.so"} {
		if _, err := os.Stat(p); err == nil {
			l.StreamModule = p
			break
		}
	}
	return l
}

//go:embed conf/*.tmpl
var confs embed.FS

// Config file names, as rendered into Layout.Dir.
const (
	NginxConf   = "nginx.conf"
	HAProxyConf = "haproxy.cfg"
	Caddyfile   = "Caddyfile"
	GatewayConf = "gateway.yaml"
	GatewayB    = "gateway-b.yaml"
	BareConf    = "baregw.yaml"
)

// Render writes every configuration file into l.Dir.
func (l Layout) Render() error {
	for _, d := range []string{"nginx-tmp", "caddy-home"} {
		if err := os.MkdirAll(filepath.Join(l.Dir, d), 0o755); err != nil {
			return err
		}
	}
	for _, name := range []string{NginxConf, HAProxyConf, Caddyfile, BareConf} {
		if err := l.render(name, name); err != nil {
			return err
		}
	}
	p := l.Ports
	l.GW = GatewayPorts{p.GatewayHTTP, p.GatewayTCP, p.GatewayGRPC}
	if err := l.render(GatewayConf, GatewayConf); err != nil {
		return err
	}
	l.GW = GatewayPorts{p.GatewayBHTTP, p.GatewayBTCP, p.GatewayBGRPC}
	return l.render(GatewayConf, GatewayB)
}

// render executes template tmpl into the file name.
func (l Layout) render(tmpl, name string) error {
	t, err := template.ParseFS(confs, "conf/"+tmpl+".tmpl")
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	f, err := os.Create(filepath.Join(l.Dir, name))
	if err != nil {
		return err
	}
	if err := t.Execute(f, l); err != nil {
		f.Close()
		return fmt.Errorf("render %s: %w", name, err)
	}
	return f.Close()
}
