package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/bench/internal/measure"
	"gatewaylab/09-final-gateway/bench/internal/targets"
)

// result is one load run: one scenario against one target in one round. It is also
// the line format of runs.jsonl.
type result struct {
	Round       int          `json:"round"`
	Scenario    string       `json:"scenario"`
	Target      string       `json:"target"`
	Command     string       `json:"command"`
	Load        measure.Load `json:"load"`
	ProxyCPU    float64      `json:"proxy_cpu_s"`     // utime+stime of the proxy's process tree
	ProxySysCPU float64      `json:"proxy_sys_cpu_s"` // of it, stime: system calls and the kernel's TCP work in them
	BackendCPU  float64      `json:"backend_cpu_s"`   // both backends
	ToolCPU     float64      `json:"tool_cpu_s"`      // the load generator
	OtherCPUPct float64      `json:"other_cpu_pct"`   // machine busy time nobody here used, % of one core
	PeakRSSKiB  int64        `json:"peak_rss_kib"`    // VmHWM of the proxy's tree after the run
	Err         string       `json:"error,omitempty"`
	output      string       // the tool's output, for the raw file
}

// cpuPerReqUs is the proxy's CPU µs per request (0 when not measurable).
func (r result) cpuPerReqUs() float64 { return r.perReqUs(r.ProxyCPU) }

// sysPerReqUs is the kernel's share of cpuPerReqUs.
func (r result) sysPerReqUs() float64 { return r.perReqUs(r.ProxySysCPU) }

func (r result) perReqUs(seconds float64) float64 {
	if r.Load.Requests == 0 || r.ProxyCPU == 0 {
		return 0
	}
	return seconds / r.Load.Requests * 1e6
}

// runOne runs scenario sc against target for secs seconds and measures it. The tool's
// output is kept on r.output for record.
func (b *bench) runOne(ctx context.Context, round int, sc targets.Scenario, target string, secs int) result {
	r := result{Round: round, Scenario: sc.Name, Target: target}
	b.waitIdle(ctx)
	logFile := filepath.Join(b.dir, "h2load-requests.log")
	args := targets.Command(sc, b.bins.loadgen, sc.URLs[target], secs, logFile)
	r.Command = strings.Join(args, " ")
	proxy := b.procs[targets.ProcessOf(target)]
	before := b.sample(proxy)
	out, toolCPU, err := runTool(ctx, args)
	after := b.sample(proxy)
	r.ToolCPU = toolCPU
	wall := after.at.Sub(before.at).Seconds()
	proxyCPU := after.proxy.Sub(before.proxy)
	r.ProxyCPU, r.ProxySysCPU = proxyCPU.Total(), proxyCPU.System
	r.BackendCPU = after.backends - before.backends
	busy := float64(after.busy-before.busy) / measure.ClockTicks
	r.OtherCPUPct = max(0, busy-r.ProxyCPU-r.BackendCPU-r.ToolCPU) / wall * 100
	if proxy != nil {
		r.PeakRSSKiB = measure.TreeKiB(proxy.pid(), "VmHWM")
	}
	if err == nil {
		r.Load, err = parse(sc.Tool, out, logFile)
	}
	if err == nil && (r.Load.Requests == 0 || r.Load.Errors > r.Load.Requests/100) {
		err = fmt.Errorf("%v requests, %v errors", r.Load.Requests, r.Load.Errors)
	}
	if err == nil && proxy != nil && !proxy.alive() {
		err = fmt.Errorf("%s: %w", proxy.spec.Name, errDied)
	}
	if err != nil {
		r.Err = err.Error()
	}
	os.Remove(logFile)
	r.output = out
	return r
}

type sample struct {
	at       time.Time
	proxy    measure.CPU
	backends float64
	busy     uint64
}

func (b *bench) sample(proxy *proc) sample {
	s := sample{at: time.Now()}
	if proxy != nil {
		s.proxy = measure.TreeCPU(proxy.pid())
	}
	for _, name := range []string{"backend1", "backend2"} {
		if p := b.procs[name]; p != nil {
			s.backends += measure.TreeCPU(p.pid()).Total()
		}
	}
	s.busy, _, _ = measure.MachineTicks()
	return s
}

// runTool runs a load generator in this session and returns its output and CPU time.
func runTool(ctx context.Context, args []string) (string, float64, error) {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	cpu := 0.0
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cpu = tv(ru.Utime) + tv(ru.Stime)
		}
	}
	if err != nil {
		return out.String(), cpu, fmt.Errorf("%s: %w: %s", args[0], err, lastLine(out.String()))
	}
	return out.String(), cpu, nil
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func parse(tool targets.Tool, out, logFile string) (measure.Load, error) {
	switch tool {
	case targets.Wrk:
		return measure.ParseWrk(out)
	case targets.H2load:
		f, err := os.Open(logFile)
		if err != nil {
			return measure.Load{}, fmt.Errorf("h2load log: %w", err)
		}
		defer f.Close()
		return measure.ParseH2load(out, f)
	default:
		return measure.ParseLoadgen(out)
	}
}

// record keeps the tool's output, headed by the exact command, and appends the
// measurements to runs.jsonl.
func (b *bench) record(r result) {
	dir := filepath.Join(b.dir, "raw", r.Scenario)
	if err := os.MkdirAll(dir, 0o755); err == nil {
		name := filepath.Join(dir, fmt.Sprintf("%s-r%d.txt", r.Target, r.Round))
		os.WriteFile(name, []byte("$ "+r.Command+"\n"+r.output), 0o644)
	}
	line, _ := json.Marshal(r)
	b.jsonl.Write(append(line, '\n'))
}

// waitIdle waits (a bounded time) for other work on the machine to calm down, so a
// run does not start in the middle of someone's compile. What could not be avoided is
// recorded per run as other CPU.
func (b *bench) waitIdle(ctx context.Context) {
	deadline := time.Now().Add(b.idleWait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		b1, t1, err1 := measure.MachineTicks()
		time.Sleep(500 * time.Millisecond)
		b2, t2, err2 := measure.MachineTicks()
		if err1 != nil || err2 != nil || t2 == t1 {
			return
		}
		if busyCores := float64(b2-b1) / float64(t2-t1) * float64(b.cores); busyCores < 0.25 {
			return
		}
	}
}
