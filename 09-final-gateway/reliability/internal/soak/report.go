package soak

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Reading is the gateway's goroutines and resident memory at a quiet point.
type Reading struct {
	Goroutines float64
	RSS        float64 // bytes
}

// Sample is one reading during the run; the traffic counts and reloads are totals so
// far.
type Sample struct {
	At                  time.Duration
	Goroutines, RSS     float64
	HTTP, WS, GRPC, TCP int64 // successful exchanges
	Errors              int64
	Reloads             float64
}

// Report is what a soak saw.
type Report struct {
	Config                     Config
	Start                      time.Time
	Elapsed                    time.Duration
	Samples                    []Sample
	Warm, End                  Reading // the two quiet points
	ValidWrites, InvalidWrites int     // configuration files written
	Reloads, Refused           float64 // as the gateway counted them
	HTTP, WS, GRPC, TCP        int64   // successful exchanges in all
	Errors                     int64
	ErrorDetail                string // the first failures of each kind
}

func (r *Report) finish(t *tallies) {
	r.HTTP, r.WS, r.GRPC, r.TCP, r.Errors = t.HTTP.Get(ok), t.WS.Get(ok), t.GRPC.Get(ok), t.TCP.Get(ok), t.errors()
	if r.Errors > 0 {
		r.ErrorDetail = fmt.Sprintf("http: %s\nws: %s\ngrpc: %s\ntcp: %s", t.HTTP.String(), t.WS.String(), t.GRPC.String(), t.TCP.String())
	}
}

// Limits of a healthy soak. The goroutine limit allows for the gateway's pools of idle
// upstream connections (two goroutines each, kept up to 90 s, emptied when a reload
// rebuilds a service), which differ by up to four connections between two quiet
// points; a leak of one goroutine per reload goes past it within a dozen reloads.
const (
	maxGoroutineGrowth = 10   // goroutines, or 10% of the warm reading, whichever is more
	maxRSSGrowth       = 0.10 // fraction of the warm reading
)

// GoroutineGrowth and RSSGrowth compare the end's quiet point with the warm one.
func (r *Report) GoroutineGrowth() float64 { return r.End.Goroutines - r.Warm.Goroutines }

// RSSGrowth is the relative growth of resident memory between the quiet points.
func (r *Report) RSSGrowth() float64 {
	if r.Warm.RSS == 0 {
		return math.Inf(1)
	}
	return (r.End.RSS - r.Warm.RSS) / r.Warm.RSS
}

// Check says whether the soak passed: no unexpected error, every configuration
// applied or refused as written, goroutines and memory flat between the quiet points.
func (r *Report) Check() error {
	var errs []error
	if r.Errors > 0 {
		errs = append(errs, fmt.Errorf("%d unexpected errors:\n%s", r.Errors, r.ErrorDetail))
	}
	if r.HTTP == 0 || r.WS == 0 || r.GRPC == 0 || r.TCP == 0 {
		errs = append(errs, fmt.Errorf("a kind of traffic never succeeded: http %d ws %d grpc %d tcp %d", r.HTTP, r.WS, r.GRPC, r.TCP))
	}
	if r.Reloads < float64(r.ValidWrites-1) || r.Refused < float64(r.InvalidWrites-1) {
		errs = append(errs, fmt.Errorf("reloads: %v applied and %v refused, for %d valid and %d invalid files written",
			r.Reloads, r.Refused, r.ValidWrites, r.InvalidWrites))
	}
	if g := r.GoroutineGrowth(); g > math.Max(maxGoroutineGrowth, 0.10*r.Warm.Goroutines) {
		errs = append(errs, fmt.Errorf("goroutines grew by %.0f between the quiet points (%.0f -> %.0f)", g, r.Warm.Goroutines, r.End.Goroutines))
	}
	if g := r.RSSGrowth(); g >= maxRSSGrowth {
		errs = append(errs, fmt.Errorf("resident memory grew by %.1f%% after the warm-up (%.1f -> %.1f MiB)", 100*g, mib(r.Warm.RSS), mib(r.End.RSS)))
	}
	return errors.Join(errs...)
}

// Table is the report as Markdown: one row per window, then the verdict.
func (r *Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| window | HTTP | WebSocket msgs | gRPC calls | TCP lines | errors | reloads | goroutines | RSS MiB |\n")
	fmt.Fprintf(&b, "|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	var prev Sample
	for _, s := range r.Samples {
		fmt.Fprintf(&b, "| %s–%s | %d | %d | %d | %d | %d | %.0f | %.0f | %.1f |\n",
			short(prev.At), short(s.At), s.HTTP-prev.HTTP, s.WS-prev.WS, s.GRPC-prev.GRPC, s.TCP-prev.TCP,
			s.Errors-prev.Errors, s.Reloads-prev.Reloads, s.Goroutines, mib(s.RSS))
		prev = s
	}
	verdict := "PASS"
	if r.Check() != nil {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "\n| total | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| duration | %s (warm-up %s), a reload every %s |\n", r.Elapsed.Round(time.Second), r.Config.Warmup, r.Config.ReloadEvery)
	fmt.Fprintf(&b, "| exchanges | HTTP %d, WebSocket %d, gRPC %d, TCP %d |\n", r.HTTP, r.WS, r.GRPC, r.TCP)
	fmt.Fprintf(&b, "| unexpected errors | %d |\n", r.Errors)
	fmt.Fprintf(&b, "| reloads | %.0f applied, %.0f refused (%d valid and %d invalid files written) |\n", r.Reloads, r.Refused, r.ValidWrites, r.InvalidWrites)
	fmt.Fprintf(&b, "| goroutines at rest | %.0f after warm-up, %.0f at the end (%+.0f) |\n", r.Warm.Goroutines, r.End.Goroutines, r.GoroutineGrowth())
	fmt.Fprintf(&b, "| RSS at rest | %.1f MiB after warm-up, %.1f MiB at the end (%+.1f%%) |\n", mib(r.Warm.RSS), mib(r.End.RSS), 100*r.RSSGrowth())
	fmt.Fprintf(&b, "| verdict | %s |\n", verdict)
	return b.String()
}

func mib(b float64) float64 { return b / (1 << 20) }

func short(d time.Duration) string { return d.Round(time.Second).String() }
