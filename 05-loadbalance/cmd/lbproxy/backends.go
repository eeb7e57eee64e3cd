package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// backendDelays is how long each demo backend takes to answer: backend 3 is slow, so
// least_conn and peak_ewma have something to avoid.
var backendDelays = []time.Duration{2 * time.Millisecond, 5 * time.Millisecond, 40 * time.Millisecond}

type backends struct {
	addrs   []string
	servers []*http.Server
	wg      sync.WaitGroup
}

// startBackends starts one server per entry of backendDelays on 127.0.0.1:0.
func startBackends(ctx context.Context) (*backends, error) {
	bs := &backends{}
	var lc net.ListenConfig
	for i, delay := range backendDelays {
		ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			bs.stop()
			return nil, fmt.Errorf("backend %d: listen: %w", i+1, err)
		}
		addr := ln.Addr().String()
		srv := newServer(backendHandler(i+1, addr, delay))
		bs.addrs = append(bs.addrs, addr)
		bs.servers = append(bs.servers, srv)
		bs.wg.Go(func() { serve(srv, ln) })
		fmt.Printf("backend %d: http://%s  answers in %v\n", i+1, addr, delay)
	}
	return bs, nil
}

func (bs *backends) stop() {
	for _, srv := range bs.servers {
		shutdown(srv)
	}
	bs.wg.Wait()
}

// backendHandler answers after delay with a line naming the backend and the user.
func backendHandler(n int, addr string, delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		user := r.Header.Get("X-User")
		if user == "" {
			user = "-"
		}
		fmt.Fprintf(w, "backend %d (%s) served %s %s for user %s\n", n, addr, r.Method, r.URL.Path, user)
	})
}
