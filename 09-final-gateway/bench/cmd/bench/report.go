package main

import (
	"fmt"
	"math"
	"strings"

	"gatewaylab/09-final-gateway/bench/internal/measure"
	"gatewaylab/09-final-gateway/bench/internal/targets"
)

// row is a target's summary over the rounds of one scenario.
type row struct {
	rps, ratioDirect, ratioGateway []float64
	p50, p99, cpuUs, sysUs, other  []float64
	rssKiB                         int64
	errors                         float64
	failed                         int
}

// renderReport prints one Markdown table per scenario.
func renderReport(scenarios []targets.Scenario, results []result, broken map[string]string, header string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%s\n", header)
	for _, sc := range scenarios {
		rows := summarise(sc.Name, results)
		fmt.Fprintf(&sb, "\n### %s: %s\n\n", sc.Name, sc.What)
		sb.WriteString("| target | req/s (median) | min – max | × direct | × gateway | p50 ms | p99 ms | proxy CPU µs/req | of it kernel µs | peak RSS MiB | other CPU % |\n")
		sb.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, t := range ordered(sc) {
			if why := broken[sc.Name+"/"+t]; why != "" {
				fmt.Fprintf(&sb, "| %s | failed in warm-up: %s | | | | | | | | | |\n", t, strings.ReplaceAll(why, "|", "/"))
				continue
			}
			sb.WriteString(rows[t].line(t))
		}
	}
	return sb.String()
}

func summarise(scenario string, results []result) map[string]*row {
	rows := map[string]*row{}
	byRound := map[int]map[string]result{}
	for _, r := range results {
		if r.Scenario != scenario {
			continue
		}
		if byRound[r.Round] == nil {
			byRound[r.Round] = map[string]result{}
		}
		byRound[r.Round][r.Target] = r
	}
	for _, round := range byRound {
		direct, gw := round["direct"], round["gateway"]
		for t, r := range round {
			rw := rows[t]
			if rw == nil {
				rw = &row{}
				rows[t] = rw
			}
			rw.add(r, direct, gw)
		}
	}
	return rows
}

func (rw *row) add(r, direct, gw result) {
	if r.Err != "" {
		rw.failed++
		return
	}
	rw.rps = append(rw.rps, r.Load.RPS)
	if direct.Err == "" && direct.Load.RPS > 0 {
		rw.ratioDirect = append(rw.ratioDirect, r.Load.RPS/direct.Load.RPS)
	}
	if gw.Err == "" && gw.Load.RPS > 0 {
		rw.ratioGateway = append(rw.ratioGateway, r.Load.RPS/gw.Load.RPS)
	}
	rw.p50 = append(rw.p50, r.Load.P50ms)
	rw.p99 = append(rw.p99, r.Load.P99ms)
	if us := r.cpuPerReqUs(); us > 0 {
		rw.cpuUs = append(rw.cpuUs, us)
		rw.sysUs = append(rw.sysUs, r.sysPerReqUs())
	}
	rw.other = append(rw.other, r.OtherCPUPct)
	rw.rssKiB = max(rw.rssKiB, r.PeakRSSKiB)
	rw.errors += r.Load.Errors
}

func (rw *row) line(target string) string {
	if rw == nil || len(rw.rps) == 0 {
		failed := 0
		if rw != nil {
			failed = rw.failed
		}
		return fmt.Sprintf("| %s | no successful run (%d failed; see runs.jsonl) | | | | | | | | | |\n", target, failed)
	}
	lo, hi := measure.MinMax(rw.rps)
	note := ""
	if rw.failed > 0 {
		note = fmt.Sprintf(" (%d runs failed)", rw.failed)
	}
	rss := "–"
	if rw.rssKiB > 0 {
		rss = fmt.Sprintf("%.1f", float64(rw.rssKiB)/1024)
	}
	return fmt.Sprintf("| %s%s | %s | %s – %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", target, note,
		num(measure.Median(rw.rps), 0), num(lo, 0), num(hi, 0), num(measure.Median(rw.ratioDirect), 2),
		num(measure.Median(rw.ratioGateway), 2), num(measure.Median(rw.p50), 2), num(measure.Median(rw.p99), 2),
		num(measure.Median(rw.cpuUs), 1), num(measure.Median(rw.sysUs), 1), rss, num(measure.Median(rw.other), 0))
}

// num formats v with digits decimals and thousands separators; "–" for no value.
func num(v float64, digits int) string {
	if math.IsNaN(v) {
		return "–"
	}
	s := fmt.Sprintf("%.*f", digits, v)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 && c != '-' && intPart[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
