package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"gatewaylab/09-final-gateway/bench/internal/measure"
	"gatewaylab/09-final-gateway/bench/internal/targets"
)

// idleCost is what holding idle connections costs a proxy, in bytes of resident
// memory per connection.
type idleCost struct {
	target         string
	httpB, wsB     float64 // 0: not measured
	httpErr, wsErr string
}

// measureIdle opens n idle connections through each proxy (keep-alive HTTP after one
// request, then WebSockets after the handshake) and reads how much resident memory
// the proxy's process tree grew. It runs on fresh processes, before any load, so that
// memory freed by earlier runs cannot hide the cost; for Go processes the figure is an
// upper bound (garbage of the set-up not yet collected is counted).
func (b *bench) measureIdle(ctx context.Context, scenarios []targets.Scenario, n int) []idleCost {
	urls := map[string]map[string]string{}
	for _, sc := range scenarios {
		if sc.Name == "http-64" || sc.Name == "ws" {
			urls[sc.Name] = sc.URLs
		}
	}
	var out []idleCost
	for _, t := range targets.Targets {
		p := b.procs[targets.ProcessOf(t)]
		if p == nil {
			continue
		}
		c := idleCost{target: t}
		if u, ok := urls["http-64"][t]; ok {
			c.httpB, c.httpErr = b.idleBytes(ctx, p, u, n)
		}
		if u, ok := urls["ws"][t]; ok {
			c.wsB, c.wsErr = b.idleBytes(ctx, p, u, n)
		}
		out = append(out, c)
	}
	return out
}

func (b *bench) idleBytes(ctx context.Context, p *proc, url string, n int) (float64, string) {
	before := measure.TreeKiB(p.pid(), "VmRSS")
	cmd := exec.CommandContext(ctx, b.bins.loadgen, "idle", "-url", url, "-n", fmt.Sprint(n), "-hold", "60s")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err.Error()
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err.Error()
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return 0, err.Error()
	}
	defer cmd.Wait()
	defer stdin.Close()
	ready := make(chan bool, 1)
	go func() { ready <- bufio.NewScanner(stdout).Scan() }()
	select {
	case ok := <-ready:
		if !ok {
			return 0, "loadgen idle: " + strings.TrimSpace(stderr.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return 0, "loadgen idle: no connections after 60s"
	}
	time.Sleep(time.Second) // let the proxy settle (lazy allocations, upstream dials)
	after := measure.TreeKiB(p.pid(), "VmRSS")
	return float64(after-before) * 1024 / float64(n), ""
}

func renderIdle(costs []idleCost, n int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n### idle: resident memory per idle client connection (%d at once; fresh processes, before any load)\n\n", n)
	sb.WriteString("| target | keep-alive HTTP/1.1, KiB per connection | WebSocket, KiB per connection |\n|---|---:|---:|\n")
	for _, c := range costs {
		fmt.Fprintf(&sb, "| %s | %s | %s |\n", c.target, kib(c.httpB, c.httpErr), kib(c.wsB, c.wsErr))
	}
	return sb.String()
}

func kib(b float64, err string) string {
	switch {
	case err != "":
		return "failed: " + strings.ReplaceAll(err, "|", "/")
	case b == 0:
		return "–"
	}
	return fmt.Sprintf("%.1f", b/1024)
}
