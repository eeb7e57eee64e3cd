package cluster_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/freeport"
	"gatewaylab/09-final-gateway/internal/proc"
)

// gatewayBin is the real gateway binary, built once by TestMain (internal/proc, the
// process harness the other suites use too).
var gatewayBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gatewaylab-cluster-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if gatewayBin, err = proc.Build(context.Background(), dir, false); err != nil {
		fmt.Fprintln(os.Stderr, "build gateway:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const adminToken = proc.AdminToken

// instance is one gateway process.
type instance struct {
	*proc.Gateway
	name       string
	web, admin string // host:port
}

func freePort(t *testing.T) string {
	t.Helper()
	addrs, err := freeport.Addrs(1)
	if err != nil {
		t.Fatal(err)
	}
	return addrs[0]
}

// startInstance runs a gateway with the local file yaml (listeners, admin, cluster);
// %WEB% and %ADMIN% are replaced with free ports. It is stopped with SIGTERM when the
// test ends, and must exit cleanly.
func startInstance(t *testing.T, name, yaml string) *instance {
	t.Helper()
	in := &instance{name: name, web: freePort(t), admin: freePort(t)}
	yaml = strings.NewReplacer("%WEB%", in.web, "%ADMIN%", in.admin).Replace(yaml)
	path, err := proc.WriteConfig(t.TempDir(), []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	in.Gateway, err = proc.Start(context.Background(), proc.Options{Bin: gatewayBin, Config: path, Admin: in.admin,
		Args: []string{"-watch", "0"}, Env: []string{"GATEWAY_JWT_SECRET=cluster-e2e-shared-jwt-secret-0123456789"},
		StartTimeout: 15 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := in.Stop(20 * time.Second); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("--- log of %s ---\n%s", in.name, in.Log())
		}
	})
	return in
}

// waitFor polls cond until it holds or limit passes: the way to wait on another
// process's state, which sends no notification.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// adminDo sends an admin API request and returns status and body.
func adminDo(t *testing.T, in *instance, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+in.admin+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

func status(ctx context.Context, url string, header http.Header) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
