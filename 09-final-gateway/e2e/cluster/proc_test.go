package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gatewaylab/09-final-gateway/internal/freeport"
)

// gatewayBin is the real gateway binary, built once by TestMain.
var gatewayBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gatewaylab-cluster-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gatewayBin = filepath.Join(dir, "gateway")
	build := exec.Command("go", "build", "-o", gatewayBin, "gatewaylab/09-final-gateway/cmd/gateway")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build gateway:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const adminToken = "cluster-e2e-admin-token"

// instance is one gateway process.
type instance struct {
	name       string
	web, admin string // host:port
	cmd        *exec.Cmd
	log        *lockedBuffer
	done       chan error
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
// %WEB% and %ADMIN% are replaced with free ports.
func startInstance(t *testing.T, name, yaml string) *instance {
	t.Helper()
	in := &instance{name: name, web: freePort(t), admin: freePort(t), log: &lockedBuffer{}, done: make(chan error, 1)}
	yaml = strings.NewReplacer("%WEB%", in.web, "%ADMIN%", in.admin).Replace(yaml)
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	in.cmd = exec.Command(gatewayBin, "-config", path, "-watch", "0")
	in.cmd.Env = append(os.Environ(), "GATEWAY_ADMIN_TOKEN="+adminToken, "GATEWAY_JWT_SECRET=cluster-e2e-shared-jwt-secret-0123456789")
	in.cmd.Stdout, in.cmd.Stderr = io.Discard, in.log
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { in.done <- in.cmd.Wait() }()
	t.Cleanup(func() { in.stop(t) })
	waitFor(t, 15*time.Second, name+" ready", func() bool {
		res, err := http.Get("http://" + in.admin + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return in
}

func (in *instance) stop(t *testing.T) {
	if in.cmd.ProcessState != nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(20 * time.Second):
		in.cmd.Process.Kill()
		<-in.done
		t.Errorf("%s did not stop within 20s after SIGTERM", in.name)
	}
	if t.Failed() {
		t.Logf("--- log of %s ---\n%s", in.name, in.log.String())
	}
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

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var _ = strconv.Itoa
