package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"time"
)

// tally is what one phase of traffic produced.
type tally struct {
	served   map[string]int // by backend address (X-Backend)
	failures map[int]int    // proxy answers other than 200, by status
	sent     int
}

// drive sends one GET every interval to url for d (sequentially: a slow answer delays
// the next) and counts who answered.
func drive(ctx context.Context, client *http.Client, url string, d, interval time.Duration) tally {
	t := tally{served: map[string]int{}, failures: map[int]int{}}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return t
		case <-tick.C:
		}
		t.sent++
		status, backend, err := get(ctx, client, url)
		switch {
		case err != nil && ctx.Err() != nil: // the phase ended mid-request
			t.sent--
		case err != nil:
			t.failures[0]++
		case status != http.StatusOK:
			t.failures[status]++
		default:
			t.served[backend]++
		}
	}
}

func get(ctx context.Context, client *http.Client, url string) (status int, backend string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)); err != nil {
		return 0, "", err
	}
	return resp.StatusCode, resp.Header.Get("X-Backend"), nil
}

// print draws the phase's split: one bar per backend that is known, then the failures.
func (t tally) print(p *printer, addrs []string) {
	for _, a := range addrs {
		n := t.served[a]
		p.say("    %-10s %-16s %4d %s", p.name(a), a, n, strings.Repeat("█", min(n, 60)/2))
	}
	var codes []int
	for code := range t.failures {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		label := fmt.Sprint(c)
		if c == 0 {
			label = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%d × %s", t.failures[c], label))
	}
	failed := "none"
	if len(parts) > 0 {
		failed = strings.Join(parts, ", ")
	}
	p.say("    %d requests; failed: %s", t.sent, failed)
}

// failed is the number of requests that did not get a 200.
func (t tally) failed() int {
	n := 0
	for _, c := range t.failures {
		n += c
	}
	return n
}

// shortError keeps the part of a probe error a reader needs.
func shortError(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	return err.Error()
}
