package slicerouter_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"gatewaylab/07-middleware/chain"
	"gatewaylab/07-middleware/slicerouter"
)

type markerKey struct{}

// TestConcurrentRequestsKeepTheirOwnChain is the regression test for course-anchor
// 3.1.1: a group built with several Use calls (so its slice has spare capacity), hit by
// many concurrent requests, must answer each request with that request's own marker.
func TestConcurrentRequestsKeepTheirOwnChain(t *testing.T) {
	r := slicerouter.New()
	g := r.Group("/")
	for range 3 { // separate Use calls: len 3, cap 4 in the course's router
		g.Use(func(c *slicerouter.Context) {
			c.Writer.Header().Add("X-Step", "mw")
			c.Next()
		})
	}
	g.Use(func(c *slicerouter.Context) {
		m := c.Request.Header.Get("X-Marker")
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), markerKey{}, m))
	})
	srv := httptest.NewServer(r.Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.WriteString(w, req.Context().Value(markerKey{}).(string))
	})))
	t.Cleanup(srv.Close)

	const goroutines, perGoroutine = 32, 40
	errs := make(chan error, goroutines*perGoroutine)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				marker := fmt.Sprintf("req-%d-%d", g, i)
				got, steps, err := getMarker(t.Context(), srv.URL, marker)
				switch {
				case err != nil:
					errs <- err
				case got != marker:
					errs <- fmt.Errorf("request %s got response for %s", marker, got)
				case steps != 3:
					errs <- fmt.Errorf("request %s ran %d middleware steps; want 3", marker, steps)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func getMarker(ctx context.Context, url, marker string) (body string, steps int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("X-Marker", marker)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), len(resp.Header.Values("X-Step")), err
}

func TestRouting(t *testing.T) {
	r := slicerouter.New()
	r.Group("/base").Use(func(c *slicerouter.Context) { c.Writer.Header().Set("X-Group", "base") })
	r.Group("/base/admin").Use(func(c *slicerouter.Context) { c.AbortWithStatus(http.StatusForbidden) })
	h := r.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "final") }))
	tests := []struct {
		path       string
		wantStatus int
		wantGroup  string
	}{
		{"/base", 200, "base"},
		{"/base/users", 200, "base"},
		{"/base/admin/x", 403, ""}, // longest prefix wins
		{"/basement", 404, ""},     // segment boundary
		{"/other", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.wantStatus || rec.Header().Get("X-Group") != tt.wantGroup {
				t.Errorf("GET %s = %d group %q; want %d group %q", tt.path, rec.Code, rec.Header().Get("X-Group"), tt.wantStatus, tt.wantGroup)
			}
		})
	}
}

// TestAbsoluteFormRequestLineIsMatched: course-anchor 3.3.7, where "GET http://host/secret"
// matched no group by RequestURI and skipped the JWT check.
func TestAbsoluteFormRequestLineIsMatched(t *testing.T) {
	r := slicerouter.New()
	r.Group("/secret").Use(func(c *slicerouter.Context) { c.AbortWithStatus(http.StatusUnauthorized) })
	r.Group("/").Use(func(*slicerouter.Context) {})
	srv := httptest.NewServer(r.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "the secret")
	})))
	t.Cleanup(srv.Close)

	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	host := srv.Listener.Addr().String()
	if _, err := fmt.Fprintf(conn, "GET http://%s/secret HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host, host); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("absolute-form GET /secret = %d; want 401", resp.StatusCode)
	}
}

// TestSameBehaviourAsChain runs the same layers through both compositions.
func TestSameBehaviourAsChain(t *testing.T) {
	tests := []struct {
		name    string
		abortAt string // the layer that aborts, "" for none
		want    string
	}{
		{"all pass", "", "a> b> final b< a<"},
		{"b aborts", "b", "a> b! a<"},
		{"a aborts", "a", "a!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			viaChain := runChain(t, tt.abortAt)
			viaSlice := runSlice(tt.abortAt)
			if viaChain != tt.want || viaSlice != tt.want {
				t.Errorf("chain = %q, slicerouter = %q; want both %q", viaChain, viaSlice, tt.want)
			}
		})
	}
}

func runChain(t *testing.T, abortAt string) string {
	var log []string
	layer := func(name string) chain.Constructor {
		return chain.Wrap(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if name == abortAt {
					log = append(log, name+"!")
					return
				}
				log = append(log, name+">")
				next.ServeHTTP(w, r)
				log = append(log, name+"<")
			})
		})
	}
	h, err := chain.New(layer("a"), layer("b")).Then(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		log = append(log, "final")
	}))
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	return strings.Join(log, " ")
}

func runSlice(abortAt string) string {
	var log []string
	layer := func(name string) slicerouter.HandlerFunc {
		return func(c *slicerouter.Context) {
			if name == abortAt {
				log = append(log, name+"!")
				c.Abort()
				return
			}
			log = append(log, name+">")
			c.Next()
			log = append(log, name+"<")
		}
	}
	r := slicerouter.New()
	r.Group("/").Use(layer("a")).Use(layer("b"))
	h := r.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { log = append(log, "final") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	return strings.Join(log, " ")
}
