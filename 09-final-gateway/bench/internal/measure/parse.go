package measure

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Load is what one load-generator run measured.
type Load struct {
	Requests float64 `json:"requests"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   float64 `json:"errors"` // non-2xx/3xx answers, socket errors, failed calls
}

var (
	wrkRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkTotal    = regexp.MustCompile(`(\d+) requests in`)
	wrkPct      = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErrs = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// ParseWrk reads `wrk --latency` output.
func ParseWrk(out string) (Load, error) {
	var l Load
	m := wrkRPS.FindStringSubmatch(out)
	t := wrkTotal.FindStringSubmatch(out)
	if m == nil || t == nil {
		return l, fmt.Errorf("wrk output has no Requests/sec line")
	}
	l.RPS, _ = strconv.ParseFloat(m[1], 64)
	l.Requests, _ = strconv.ParseFloat(t[1], 64)
	for _, p := range wrkPct.FindAllStringSubmatch(out, -1) {
		v := toMs(p[2], p[3])
		if p[1] == "50" {
			l.P50ms = v
		} else {
			l.P99ms = v
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		l.Errors += n
	}
	if m := wrkSockErrs.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseFloat(s, 64)
			l.Errors += n
		}
	}
	return l, nil
}

func toMs(v, unit string) float64 {
	f, _ := strconv.ParseFloat(v, 64)
	switch unit {
	case "us":
		return f / 1000
	case "s":
		return f * 1000
	}
	return f
}

var (
	h2Finished = regexp.MustCompile(`finished in ([\d.]+)(ms|s), ([\d.]+) req/s`)
	h2Requests = regexp.MustCompile(`requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored`)
	h2Status   = regexp.MustCompile(`status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx`)
)

// ParseH2load reads h2load's summary, and latency percentiles from its per-request
// log (--log-file: start time, status, duration in µs, tab-separated), which h2load's
// summary does not give.
func ParseH2load(out string, log io.Reader) (Load, error) {
	var l Load
	f := h2Finished.FindStringSubmatch(out)
	r := h2Requests.FindStringSubmatch(out)
	if f == nil || r == nil {
		return l, fmt.Errorf("h2load output has no summary")
	}
	l.RPS, _ = strconv.ParseFloat(f[3], 64)
	l.Requests, _ = strconv.ParseFloat(r[2], 64)
	for _, s := range r[3:] {
		n, _ := strconv.ParseFloat(s, 64)
		l.Errors += n
	}
	if s := h2Status.FindStringSubmatch(out); s != nil {
		for _, v := range s[1:] {
			n, _ := strconv.ParseFloat(v, 64)
			l.Errors += n
		}
	}
	if log != nil {
		durs, err := h2Durations(log)
		if err != nil {
			return l, err
		}
		l.P50ms, l.P99ms = Percentile(durs, 50), Percentile(durs, 99)
	}
	return l, nil
}

func h2Durations(r io.Reader) ([]time.Duration, error) {
	var out []time.Duration
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 3 {
			continue
		}
		us, err := strconv.ParseInt(strings.TrimSpace(f[2]), 10, 64)
		if err != nil {
			continue
		}
		out = append(out, time.Duration(us)*time.Microsecond)
	}
	return out, sc.Err()
}

// Percentile returns the p-th percentile of ds in milliseconds (0 for none). It sorts ds.
func Percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := min(len(ds)*p/100, len(ds)-1)
	return float64(ds[i]) / float64(time.Millisecond)
}

// ParseLoadgen reads loadgen's JSON line.
func ParseLoadgen(out string) (Load, error) {
	var l Load
	line := strings.TrimSpace(out)
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	}
	if err := json.Unmarshal([]byte(line), &l); err != nil {
		return l, fmt.Errorf("loadgen output %q: %w", line, err)
	}
	return l, nil
}
