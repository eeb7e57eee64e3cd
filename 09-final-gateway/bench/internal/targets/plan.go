package targets

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Process is a server the benchmark starts (and stops): its command line, and the
// addresses that must accept connections before it counts as up.
type Process struct {
	Name  string
	Args  []string
	Env   []string
	Ready []string
}

// Bins are the paths of the programs the processes run.
type Bins struct {
	Backend, Gateway, BareGW, GoProxy, Nginx, HAProxy, Caddy string
	GatewayB                                                 string // optional second gateway build
}

// Processes returns every server for the layout. A proxy whose binary is missing
// (empty path) is left out.
func (l Layout) Processes(b Bins) []Process {
	p := l.Ports
	file := func(name string) string { return filepath.Join(l.Dir, name) }
	backends := strings.Join(l.HTTPBackends, ",")
	all := []Process{
		{Name: "backend1", Args: []string{b.Backend, "-http", p.Backend1, "-grpc", p.GRPC1, "-tcp-echo", p.Echo1, "-name", "b1"},
			Ready: []string{p.Backend1, p.GRPC1}},
		{Name: "backend2", Args: []string{b.Backend, "-http", p.Backend2, "-grpc", p.GRPC2, "-tcp-echo", p.Echo2, "-name", "b2"},
			Ready: []string{p.Backend2, p.GRPC2}},
		{Name: "gateway", Args: []string{b.Gateway, "-config", file(GatewayConf), "-watch", "0"},
			Ready: []string{p.GatewayHTTP, p.GatewayTCP, p.GatewayGRPC}},
		{Name: "gateway-b", Args: []string{b.GatewayB, "-config", file(GatewayB), "-watch", "0"},
			Ready: []string{p.GatewayBHTTP, p.GatewayBTCP, p.GatewayBGRPC}},
		{Name: "gw-bare", Args: []string{b.BareGW, "-config", file(BareConf)}, Ready: []string{p.BareHTTP, p.BareTCP}},
		{Name: "go-std", Args: []string{b.GoProxy, "-listen", p.GoStdHTTP, "-backends", backends, "-transport", "std"},
			Ready: []string{p.GoStdHTTP}},
		{Name: "go-lean", Args: []string{b.GoProxy, "-listen", p.GoLeanHTTP, "-backends", backends, "-transport", "lean"},
			Ready: []string{p.GoLeanHTTP}},
		{Name: "nginx", Args: []string{b.Nginx, "-p", l.Dir, "-c", file(NginxConf)},
			Ready: l.nginxReady()},
		{Name: "haproxy", Args: []string{b.HAProxy, "-db", "-f", file(HAProxyConf)},
			Ready: []string{p.HAProxyHTTP, p.HAProxyTCP, p.HAProxyGRPC}},
		{Name: "caddy", Args: []string{b.Caddy, "run", "--config", file(Caddyfile), "--adapter", "caddyfile"},
			Env:   []string{"HOME=" + file("caddy-home"), "XDG_CONFIG_HOME=" + file("caddy-home"), "XDG_DATA_HOME=" + file("caddy-home")},
			Ready: []string{p.CaddyHTTP, p.CaddyGRPC}},
	}
	var out []Process
	for _, pr := range all {
		if pr.Args[0] != "" {
			out = append(out, pr)
		}
	}
	return out
}

func (l Layout) nginxReady() []string {
	r := []string{l.Ports.NginxHTTP, l.Ports.NginxH2, l.Ports.NginxGRPC}
	if l.StreamModule != "" {
		r = append(r, l.Ports.NginxTCP)
	}
	return r
}

// Tool is the load generator of a scenario.
type Tool string

// The load generators.
const (
	Wrk    Tool = "wrk"
	H2load Tool = "h2load"
	WS     Tool = "ws"   // loadgen ws
	GRPC   Tool = "grpc" // loadgen grpc
)

// Scenario is one kind of load, and where each target serves it.
type Scenario struct {
	Name string
	Tool Tool
	What string            // one line for the report
	URLs map[string]string // target name -> URL (or host:port for gRPC)
}

// Targets in report order: the baseline, the gateway (and a second build of it, for
// A/B comparisons of a change), the bare gateway, the peers, and the two plain Go
// proxies that isolate the upstream transport.
var Targets = []string{"direct", "gateway", "gateway-b", "gw-bare", "nginx", "haproxy", "caddy", "go-std", "go-lean"}

// ProcessOf names the process whose CPU and memory a target's row reports ("" for
// direct, which has no proxy).
func ProcessOf(target string) string {
	if target == "direct" {
		return ""
	}
	return target
}

// Scenarios returns every scenario with its targets' addresses.
func (l Layout) Scenarios() []Scenario {
	p := l.Ports
	h := func(addr, path string) string { return "http://" + addr + path }
	ws := func(addr string) string { return "ws://" + addr + "/ws" }
	http := func(path string) map[string]string {
		return map[string]string{
			"direct": h(p.Backend1, path), "gateway": h(p.GatewayHTTP, path), "gateway-b": h(p.GatewayBHTTP, path),
			"gw-bare": h(p.BareHTTP, path), "nginx": h(p.NginxHTTP, path), "haproxy": h(p.HAProxyHTTP, path), "caddy": h(p.CaddyHTTP, path),
			"go-std": h(p.GoStdHTTP, path), "go-lean": h(p.GoLeanHTTP, path),
		}
	}
	tcp := map[string]string{"direct": h(p.Backend1, "/"), "gateway": h(p.GatewayTCP, "/"), "gateway-b": h(p.GatewayBTCP, "/"),
		"gw-bare": h(p.BareTCP, "/"), "haproxy": h(p.HAProxyTCP, "/")}
	if l.StreamModule != "" {
		tcp["nginx"] = h(p.NginxTCP, "/")
	}
	return []Scenario{
		{Name: "http-64", Tool: Wrk, What: "HTTP/1.1 keep-alive, 64-byte body (wrk -t2 -c64)", URLs: http("/")},
		{Name: "http-16k", Tool: Wrk, What: "HTTP/1.1 keep-alive, 16 KiB body (wrk -t2 -c64)", URLs: http("/16k")},
		{Name: "h2", Tool: H2load, What: "HTTP/2 cleartext to the proxy, HTTP/1.1 behind it, 64-byte body (h2load -t2 -c16 -m4)",
			URLs: map[string]string{"direct": h(p.Backend1, "/"), "gateway": h(p.GatewayHTTP, "/"),
				"gateway-b": h(p.GatewayBHTTP, "/"), "gw-bare": h(p.BareHTTP, "/"),
				"nginx": h(p.NginxH2, "/"), "haproxy": h(p.HAProxyHTTP, "/"), "caddy": h(p.CaddyHTTP, "/")}},
		{Name: "tcp", Tool: Wrk, What: "TCP (L4) proxy, HTTP/1.1 64-byte body through it (wrk -t2 -c64)", URLs: tcp},
		{Name: "ws", Tool: WS, What: "WebSocket echo round trips, 64 connections, 64-byte messages (loadgen ws)",
			URLs: map[string]string{"direct": ws(p.Backend1), "gateway": ws(p.GatewayHTTP), "gateway-b": ws(p.GatewayBHTTP),
				"gw-bare": ws(p.BareHTTP),
				"nginx":   ws(p.NginxHTTP), "haproxy": ws(p.HAProxyHTTP), "caddy": ws(p.CaddyHTTP)}},
		{Name: "grpc", Tool: GRPC, What: "gRPC unary Echo, 64 calls in flight over 4 connections (loadgen grpc)",
			URLs: map[string]string{"direct": p.GRPC1, "gateway": p.GatewayGRPC, "gateway-b": p.GatewayBGRPC, "nginx": p.NginxGRPC,
				"haproxy": p.HAProxyGRPC, "caddy": p.CaddyGRPC}},
	}
}

// Command returns the load command for a scenario against url, lasting secs seconds.
// logFile receives h2load's per-request log.
func Command(s Scenario, loadgen, url string, secs int, logFile string) []string {
	d := fmt.Sprint(secs)
	switch s.Tool {
	case Wrk:
		return []string{"wrk", "-t2", "-c64", "-d" + d + "s", "--latency", url}
	case H2load:
		return []string{"h2load", "-t2", "-c16", "-m4", "-D", d, "--log-file=" + logFile, url}
	case WS:
		return []string{loadgen, "ws", "-url", url, "-c", "64", "-size", "64", "-d", d + "s", "-warmup", "0s"}
	case GRPC:
		return []string{loadgen, "grpc", "-addr", url, "-c", "64", "-conns", "4", "-size", "64", "-d", d + "s", "-warmup", "0s"}
	}
	return nil
}
