package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// warmUp sends n requests through the proxy from 6 concurrent clients on behalf of
// 10 users, then prints the spread and how many backends each user reached.
func warmUp(ctx context.Context, base string, n int, px *lbProxy) error {
	if n <= 0 {
		return nil
	}
	seen, err := sendAll(ctx, base, n)
	if err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	fmt.Printf("\nwarm-up: %d requests, 6 at a time, users user-0..user-9 in X-User\n", n)
	px.printCounts()
	printStickiness(seen)
	return nil
}

// sendAll sends requests 0..n-1, request i as user i%10, from 6 workers, and returns
// the backends each user reached. It stops at the first error.
func sendAll(ctx context.Context, base string, n int) (map[string]map[string]bool, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu       sync.Mutex
		seen     = make(map[string]map[string]bool) // user -> backends
		firstErr error
		jobs     = make(chan int)
		workers  sync.WaitGroup
	)
	for range 6 {
		workers.Go(func() {
			for i := range jobs {
				user := fmt.Sprintf("user-%d", i%10)
				backend, err := get(ctx, client, base+"/hello", user)
				mu.Lock()
				switch {
				case err != nil:
					firstErr = cmp.Or(firstErr, err)
				case seen[user] == nil:
					seen[user] = map[string]bool{backend: true}
				default:
					seen[user][backend] = true
				}
				mu.Unlock()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	workers.Wait()
	return seen, firstErr
}

// get sends one request as user and returns the backend that answered.
func get(ctx context.Context, client *http.Client, url, user string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-User", user)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return resp.Header.Get("X-Backend"), nil
}

func printStickiness(seen map[string]map[string]bool) {
	most := 0
	for _, backends := range seen {
		most = max(most, len(backends))
	}
	fmt.Printf("  each user reached at most %d backend(s)\n", most)
}
