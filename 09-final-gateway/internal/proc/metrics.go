package proc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Metrics is one scrape of the gateway's /metrics (Prometheus text format).
type Metrics string

var scrapeClient = &http.Client{Timeout: 5 * time.Second}

// Scrape fetches the gateway's /metrics.
func (g *Gateway) Scrape(ctx context.Context) (Metrics, error) {
	return ScrapeAddr(ctx, g.Admin)
}

// ScrapeAddr fetches /metrics from an admin address.
func ScrapeAddr(ctx context.Context, admin string) (Metrics, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+admin+"/metrics", nil)
	if err != nil {
		return "", err
	}
	res, err := scrapeClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("scrape %s: %w", admin, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return "", fmt.Errorf("scrape %s: %w", admin, err)
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("scrape %s: status %d", admin, res.StatusCode)
	}
	return Metrics(b), nil
}

// Value returns the value of the first sample of name whose label set contains every
// one of labels (written as in the text format: `route="api"`), or -1 when there is
// none.
func (m Metrics) Value(name string, labels ...string) float64 {
	v := -1.0
	m.each(name, labels, func(x float64) bool { v = x; return false })
	return v
}

// Sum adds every sample of name whose label set contains every one of labels (0 when
// there is none).
func (m Metrics) Sum(name string, labels ...string) float64 {
	sum := 0.0
	m.each(name, labels, func(x float64) bool { sum += x; return true })
	return sum
}

// each calls f with the value of every sample of name that has labels, until f
// returns false.
func (m Metrics) each(name string, labels []string, f func(float64) bool) {
	sc := bufio.NewScanner(strings.NewReader(string(m)))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		if !containsAll(line, labels) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil && !f(v) {
			return
		}
	}
}
