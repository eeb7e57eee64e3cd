package gateway_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gatewaylab/09-final-gateway/password"

	"gatewaylab/09-final-gateway/internal/proc"
)

// checkBase is a small valid configuration; the cases below append to it or replace
// parts of it.
const checkBase = `admin:
  listen: 127.0.0.1:0
listeners:
  - name: web
    protocol: http
    listen: 127.0.0.1:0
  - name: tcp
    protocol: tcp
    listen: 127.0.0.1:0
    service: db
auth:
  jwt:
    keys:
      - {id: k1, algorithm: HS256, generate: true}
services:
  - name: api
    targets: [{addr: 127.0.0.1:1}]
  - name: db
    protocol: tcp
    targets: [{addr: 127.0.0.1:2}]
routes:
  - name: api
    path_prefix: /api
    service: api
`

// TestCheck runs `gateway check FILE`: a valid file passes with a summary; an invalid
// one fails (exit status 1) with every problem as FILE:LINE: FIELD: MESSAGE.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		yaml string
		ok   bool
		want []located // for an invalid file: every problem it must report
	}{
		{name: "valid", yaml: checkBase, ok: true},
		{name: "jwt route without audience", yaml: checkBase + "    middleware:\n      auth: {jwt: {}}\n",
			want: []located{{"auth: {jwt: {}}", "routes[0].middleware.auth.jwt.audience: required"}}},
		{name: "unknown field and bad duration", yaml: strings.Replace(checkBase, "    path_prefix: /api\n",
			"    path_prefx: /api\n    middleware: {timeout: 5 seconds}\n", 1),
			want: []located{{"path_prefx", "field path_prefx not found"}, {"timeout", `"5 seconds" is not a duration`}}},
		{name: "several problems at once", yaml: strings.NewReplacer(
			"    service: api\n", "    service: missing\n",
			"  - name: api\n    targets", "  - name: api\n    balancer: {policy: fastest}\n    targets",
			"    path_prefix: /api\n", "    path_prefix: /api/../x\n").Replace(checkBase),
			want: []located{{"service: missing", `routes[0].service: no service named "missing"`},
				{"policy: fastest", `services[0].balancer.policy: "fastest" is not one of`},
				{"path_prefix: /api/../x", `routes[0].path_prefix: "/api/../x" is not canonical`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runGateway(t, "check", path)
			if tc.ok {
				if code != 0 || !strings.HasPrefix(stdout, path+": ok (") {
					t.Fatalf("exit %d, stdout %q, stderr %q; want ok", code, stdout, stderr)
				}
				return
			}
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
			}
			for _, w := range tc.want {
				if want := w.in(t, path, tc.yaml); !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
	t.Run("default config", func(t *testing.T) {
		code, yaml, _ := runGateway(t, "default-config")
		path := filepath.Join(dir, "default.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); code != 0 || err != nil {
			t.Fatalf("default-config: exit %d, %v", code, err)
		}
		if code, stdout, stderr := runGateway(t, "check", path); code != 0 {
			t.Fatalf("the printed default configuration does not check: %s %s", stdout, stderr)
		}
	})
	t.Run("usage", func(t *testing.T) {
		if code, _, stderr := runGateway(t, "check"); code != 1 || !strings.Contains(stderr, "usage") {
			t.Fatalf("exit %d, stderr %q; want 1 and a usage line", code, stderr)
		}
	})
}

// located is a problem `gateway check` must report: msg, at the line holding marker.
type located struct{ marker, msg string }

// in returns the report's expected form, "FILE:LINE: msg".
func (l located) in(t *testing.T, path, yaml string) string {
	t.Helper()
	for i, line := range strings.Split(yaml, "\n") {
		if strings.Contains(line, l.marker) {
			return fmt.Sprintf("%s:%d: %s", path, i+1, l.msg)
		}
	}
	t.Fatalf("marker %q not in the file", l.marker)
	return ""
}

// TestHashSecret: `gateway hash-secret` prints what the configuration stores for a
// secret read on stdin, and -generate makes a secret with its hash.
func TestHashSecret(t *testing.T) {
	code, stdout, stderr := runGatewayIn(t, "s3cret-from-stdin\n", "hash-secret")
	if code != 0 || strings.TrimSpace(stdout) != hash("s3cret-from-stdin") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want %s", code, stdout, stderr, hash("s3cret-from-stdin"))
	}
	code, stdout, _ = runGateway(t, "hash-secret", "-generate")
	var secret, secretHash string
	if _, err := fmt.Sscanf(stdout, "secret: %s\nsecret_hash: %s", &secret, &secretHash); err != nil || code != 0 ||
		len(secret) < 40 || secretHash != hash(secret) {
		t.Fatalf("exit %d, output %q (%v): want a secret and its hash", code, stdout, err)
	}
	if code, _, _ := runGatewayIn(t, "", "hash-secret"); code != 1 {
		t.Fatalf("an empty secret: exit %d, want 1", code)
	}
}

// TestHashPassword: `gateway hash-password` prints the bcrypt hash admin.users stores
// for the first line on stdin (spaces are part of a password), and refuses an empty
// password or one given as an argument (it would show in ps and the shell's history).
func TestHashPassword(t *testing.T) {
	code, stdout, stderr := runGatewayIn(t, "two words \r\nnot part of it\n", "hash-password")
	h := strings.TrimSpace(stdout)
	if code != 0 || password.Check(h) != nil || password.CostOf(h) != password.Cost {
		t.Fatalf("exit %d, stdout %q, stderr %q; want a bcrypt hash of cost %d", code, stdout, stderr, password.Cost)
	}
	if !password.Matches(h, "two words ") {
		t.Errorf("%s is not the hash of the first line", h)
	}
	refused := []struct {
		name, stdin, arg, want string
	}{
		{"empty", "\n", "", "password is empty"},
		{"as an argument", "", "s3cret", "not taken as an argument"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"hash-password"}
			if tt.arg != "" {
				args = append(args, tt.arg)
			}
			code, stdout, stderr := runGatewayIn(t, tt.stdin, args...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// runGateway runs the binary with args and returns its exit status and output.
func runGateway(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runGatewayIn(t, "", args...)
}

// runGatewayIn is runGateway with stdin.
func runGatewayIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), gatewayBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = proc.Env()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("run gateway %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}
