package server

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/admin"
)

// The settings tests (settings_*_test.go) prove that each YAML setting does what its
// doc comment in config says, through Start: a configuration text goes in, real
// backends on loopback answer, and the assertions are on what the client and the
// backends saw. The helpers below are shared by them.

// waitFor bounds every poll: long enough for a loaded CI machine, short enough that a
// setting that does nothing fails the test quickly.
const waitFor = 5 * time.Second

// eventually polls cond every 10 ms until it holds, and fails the test with what
// describe says about the last state when waitFor passes first.
func eventually(t *testing.T, cond func() bool, describe func() string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not after %v: %s", waitFor, describe())
		}
		<-tick.C
	}
}

// target is a real upstream that answers every request with its name (status 500
// while failing is set), and /healthz with the answer setHealth chose, counting the
// probes apart from the requests.
type target struct {
	name    string
	addr    string
	hits    atomic.Int64 // requests other than health probes
	probes  atomic.Int64
	failing atomic.Bool

	mu     sync.Mutex
	status int
	body   string
}

func startTarget(t *testing.T, name string) *target {
	t.Helper()
	b := &target{name: name, status: http.StatusOK, body: "ok"}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	b.addr = srv.Listener.Addr().String()
	return b
}

// setHealth sets what the target's /healthz answers from now on.
func (b *target) setHealth(status int, body string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status, b.body = status, body
}

func (b *target) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		b.probes.Add(1)
		b.mu.Lock()
		status, body := b.status, b.body
		b.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	b.hits.Add(1)
	if b.failing.Load() {
		w.WriteHeader(http.StatusInternalServerError)
	}
	io.WriteString(w, b.name)
}

// targetsYAML lists the targets for a service's targets field.
func targetsYAML(ts ...*target) string {
	items := make([]string, len(ts))
	for i, b := range ts {
		items[i] = `{addr: "` + b.addr + `"}`
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// adminToken is the token startServer gives the admin API.
const adminToken = "test-token"

// fetch sends GET url with the header (a bearer token as "Bearer ..." in
// Authorization, for instance) and returns the response, body read and closed.
func fetch(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return res, string(body)
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// liveTargets asks the admin API (over its socket, with the bearer token) for the live
// state of every target, by address.
func liveTargets(t *testing.T, s *Server) map[string]admin.TargetHealth {
	t.Helper()
	res, body := fetch(t, "http://"+s.Admin.Addr()+"/api/v1/health", bearer(adminToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("admin health: %d %s", res.StatusCode, body)
	}
	var answer struct {
		Services []admin.ServiceHealth `json:"services"`
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil {
		t.Fatalf("admin health: %v", err)
	}
	out := map[string]admin.TargetHealth{}
	for _, svc := range answer.Services {
		for _, th := range svc.Targets {
			out[th.Addr] = th
		}
	}
	return out
}

// describeTargets formats the live state for a failure message.
func describeTargets(t *testing.T, s *Server, ts ...*target) string {
	live := liveTargets(t, s)
	var parts []string
	for _, b := range ts {
		th := live[b.addr]
		parts = append(parts, fmt.Sprintf("%s{healthy=%v ejected=%v err=%q probes=%d hits=%d}",
			b.name, th.Healthy, th.Ejected, th.LastError, b.probes.Load(), b.hits.Load()))
	}
	return strings.Join(parts, " ")
}

// routedOnlyTo is a condition for eventually: it sends a request to url and holds once
// eight in a row were answered by want, that is, every other target is out of rotation.
func routedOnlyTo(t *testing.T, url string, want *target) func() bool {
	t.Helper()
	inARow := 0
	return func() bool {
		if _, body := get(t, url); body == want.name {
			inARow++
		} else {
			inARow = 0
		}
		return inARow >= 8
	}
}
