// Command bench runs the side-by-side benchmark of issue 12: the gateway (full and
// bare), nginx, haproxy, caddy and two plain Go proxies in front of the same two
// loopback backends, scenario by scenario, in interleaved rounds. It prints a Markdown
// table and keeps everything it measured under -out. run.sh builds the binaries and
// calls it; see bench/README.md.
//
//	bench -bin /tmp/bench-bin -out bench/results/20261123-031500 -rounds 3 -dur 8
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"gatewaylab/09-final-gateway/bench/internal/targets"
)

type binaries struct {
	targets.Bins
	loadgen string
}

// bench is one benchmark session.
type bench struct {
	dir      string
	bins     binaries
	cores    int
	idleWait time.Duration
	maxOther float64 // re-run above this other-CPU %
	retries  int
	procs    map[string]*proc
	jsonl    *os.File
}

type options struct {
	bin, out, gateway    string
	gatewayB             string
	rounds, dur, warm    int
	idleConns, retries   int
	maxOther             float64
	scenarios, targetSel string
	idleWait             time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "directory holding backend, loadgen, baregw and goproxy (required)")
	flag.StringVar(&o.gateway, "gateway", "", "gateway binary (default: <bin>/gateway)")
	flag.StringVar(&o.gatewayB, "gateway-b", "", "a second gateway build, reported as gateway-b (A/B of a change)")
	flag.StringVar(&o.out, "out", "", "results directory (required)")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved rounds")
	flag.IntVar(&o.dur, "dur", 8, "seconds per measured run")
	flag.IntVar(&o.warm, "warm", 2, "seconds of warm-up per scenario and target, before round 1")
	flag.Float64Var(&o.maxOther, "max-other", 25, "re-run a measurement when other processes used more than this % of one core meanwhile")
	flag.IntVar(&o.retries, "retries", 2, "re-runs allowed per measurement for -max-other")
	flag.IntVar(&o.idleConns, "idle-conns", 1000, "idle connections held per proxy for the memory table (0: skip it)")
	flag.StringVar(&o.scenarios, "scenarios", "", "comma-separated scenarios (default: all)")
	flag.StringVar(&o.targetSel, "targets", "", "comma-separated targets (default: all; direct and gateway are always kept)")
	flag.DurationVar(&o.idleWait, "idle-wait", 10*time.Second, "longest wait for an idle machine before each run")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	if o.bin == "" || o.out == "" {
		return fmt.Errorf("-bin and -out are required")
	}
	b, err := newBench(o)
	if err != nil {
		return err
	}
	defer b.jsonl.Close()
	layout := targets.NewLayout(b.dir, b.cores, targets.DefaultPorts)
	if err := layout.Render(); err != nil {
		return err
	}
	if err := checkFree(targets.DefaultPorts.All()); err != nil {
		return err
	}
	defer b.stop()
	if err := b.startAll(ctx, layout.Processes(b.bins.Bins)); err != nil {
		return err
	}
	scenarios := selectScenarios(layout.Scenarios(), o.scenarios, o.targetSel, b.procs)
	var idle []idleCost
	if o.idleConns > 0 {
		idle = b.measureIdle(ctx, selectScenarios(layout.Scenarios(), "", o.targetSel, b.procs), o.idleConns)
	}
	broken := b.warmUp(ctx, scenarios, o.warm)
	results := b.rounds(ctx, scenarios, broken, o.rounds, o.dur)
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}
	report := renderReport(scenarios, results, broken, reportHeader(o))
	if len(idle) > 0 {
		report += renderIdle(idle, o.idleConns)
	}
	fmt.Print(report)
	return os.WriteFile(filepath.Join(b.dir, "summary.md"), []byte(report), 0o644)
}

func newBench(o options) (*bench, error) {
	dir, err := filepath.Abs(o.out)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	jsonl, err := os.Create(filepath.Join(dir, "runs.jsonl"))
	if err != nil {
		return nil, err
	}
	gw := o.gateway
	if gw == "" {
		gw = filepath.Join(o.bin, "gateway")
	}
	bins := binaries{loadgen: filepath.Join(o.bin, "loadgen"), Bins: targets.Bins{
		Backend: filepath.Join(o.bin, "backend"), Gateway: gw, BareGW: filepath.Join(o.bin, "baregw"),
		GoProxy: filepath.Join(o.bin, "goproxy"), GatewayB: o.gatewayB, Nginx: lookPath("nginx"), HAProxy: lookPath("haproxy"), Caddy: lookPath("caddy"),
	}}
	return &bench{dir: dir, bins: bins, cores: runtime.NumCPU(), idleWait: o.idleWait, maxOther: o.maxOther, retries: o.retries, procs: map[string]*proc{}, jsonl: jsonl}, nil
}

// lookPath finds a peer proxy; a missing one is skipped with a note, not an error.
func lookPath(name string) string {
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %s not found: its rows are left out (run.sh installs it)\n", name)
	return ""
}

// startAll starts every process and waits until each listens.
func (b *bench) startAll(ctx context.Context, specs []targets.Process) error {
	for _, s := range specs {
		p, err := start(s, b.dir)
		if err != nil {
			return err
		}
		b.procs[s.Name] = p
	}
	for _, p := range b.procs {
		if err := p.waitReady(ctx, 15*time.Second); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %d servers up; logs in %s/logs\n", len(b.procs), b.dir)
	return nil
}

func (b *bench) stop() {
	procs := make([]*proc, 0, len(b.procs))
	for _, p := range b.procs {
		procs = append(procs, p)
	}
	stopAll(procs, 5*time.Second)
}

// selectScenarios keeps the chosen scenarios, and in them the chosen targets whose
// process is running.
func selectScenarios(all []targets.Scenario, names, targetSel string, procs map[string]*proc) []targets.Scenario {
	keepT := func(t string) bool {
		if p := targets.ProcessOf(t); p != "" && procs[p] == nil {
			return false
		}
		return targetSel == "" || t == "direct" || t == "gateway" || slices.Contains(strings.Split(targetSel, ","), t)
	}
	var out []targets.Scenario
	for _, s := range all {
		if names != "" && !slices.Contains(strings.Split(names, ","), s.Name) {
			continue
		}
		urls := map[string]string{}
		for t, u := range s.URLs {
			if keepT(t) {
				urls[t] = u
			}
		}
		s.URLs = urls
		out = append(out, s)
	}
	return out
}

// ordered returns the scenario's targets in report order.
func ordered(s targets.Scenario) []string {
	var out []string
	for _, t := range targets.Targets {
		if _, ok := s.URLs[t]; ok {
			out = append(out, t)
		}
	}
	return out
}

// warmUp runs every scenario against every target once, briefly: connections and
// pools are made, code is paged in, and a target that cannot serve a scenario is
// found before the measured rounds (it is reported, not measured).
func (b *bench) warmUp(ctx context.Context, scenarios []targets.Scenario, secs int) map[string]string {
	broken := map[string]string{}
	for _, sc := range scenarios {
		for _, t := range ordered(sc) {
			if ctx.Err() != nil {
				return broken
			}
			r := b.runOne(ctx, 0, sc, t, secs)
			if r.Err != "" {
				broken[sc.Name+"/"+t] = r.Err
				fmt.Fprintf(os.Stderr, "bench: warm-up %s via %s failed: %s\n", sc.Name, t, r.Err)
			}
		}
	}
	return broken
}

// rounds runs every (scenario, target) once per round. Targets take turns: round r
// starts at the r-th target, so drift on a shared machine hits every target alike.
func (b *bench) rounds(ctx context.Context, scenarios []targets.Scenario, broken map[string]string, n, secs int) []result {
	var out []result
	for round := 1; round <= n; round++ {
		for _, sc := range scenarios {
			ts := ordered(sc)
			for i := range ts {
				t := ts[(i+round-1)%len(ts)]
				if broken[sc.Name+"/"+t] != "" || ctx.Err() != nil {
					continue
				}
				r := b.measured(ctx, round, sc, t, secs)
				fmt.Fprintf(os.Stderr, "bench: round %d/%d %-8s %-8s %9.0f req/s  %s\n", round, n, sc.Name, t, r.Load.RPS, r.Err)
				out = append(out, r)
			}
		}
	}
	return out
}

// measured runs one measurement, again (up to b.retries times) while other work on
// the machine took more than b.maxOther % of a core during it, and keeps the cleanest.
func (b *bench) measured(ctx context.Context, round int, sc targets.Scenario, t string, secs int) result {
	best := b.runOne(ctx, round, sc, t, secs)
	for i := 0; i < b.retries && best.OtherCPUPct > b.maxOther && ctx.Err() == nil; i++ {
		fmt.Fprintf(os.Stderr, "bench: %s via %s: other processes used %.0f%% of a core; measuring again\n", sc.Name, t, best.OtherCPUPct)
		if r := b.runOne(ctx, round, sc, t, secs); r.Err == "" && r.OtherCPUPct < best.OtherCPUPct {
			best = r
		}
	}
	b.record(best)
	return best
}

func reportHeader(o options) string {
	load, _ := os.ReadFile("/proc/loadavg")
	return fmt.Sprintf("rounds %d x %d s per run (+%d s warm-up), %d cores, re-run when other CPU > %.0f%% (up to %d times), load average at the end: %s",
		o.rounds, o.dur, o.warm, runtime.NumCPU(), o.maxOther, o.retries, strings.Join(strings.Fields(string(load))[:3], " "))
}
