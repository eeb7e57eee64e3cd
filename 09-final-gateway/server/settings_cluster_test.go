package server

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"gatewaylab/04-proxy/redistest"
)

// TestRedisPasswordEnv: cluster.redis.password_env names the environment variable
// holding Redis's password. With it, a cluster-wide limit keeps its bucket in Redis;
// without it (or with a wrong one) Redis refuses the gateway, and a limit that fails
// closed refuses the requests.
func TestRedisPasswordEnv(t *testing.T) {
	const password = "redis-password-for-the-settings-test"
	rs := redistest.Start(t)
	if got := redisDo(t, rs.Addr, "", "CONFIG", "SET", "requirepass", password); got != "+OK" {
		t.Fatalf("CONFIG SET requirepass: %q", got)
	}
	tests := []struct {
		name  string
		env   string // the value of the variable password_env names
		want  []int
		inUse bool // the limit's bucket is in Redis afterwards
	}{
		{"the password from the variable", password, []int{200, 429}, true},
		{"variable empty", "", []int{503, 503}, false},
		{"wrong password", "not-the-password", []int{503, 503}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GW_SETTINGS_REDIS_PASSWORD", tt.env)
			up := startTarget(t, "up")
			limit := fmt.Sprintf("limit-%d", i) // a bucket of its own
			s := startServer(t, `
admin: {listen: "127.0.0.1:0"}
listeners: [{name: web, protocol: http, listen: "127.0.0.1:0"}]
cluster: {redis: {addr: "`+rs.Addr+`", password_env: GW_SETTINGS_REDIS_PASSWORD}}
services: [{name: api, targets: `+targetsYAML(up)+`}]
routes:
  - name: api
    path_prefix: /
    service: api
    middleware:
      rate_limits: [{name: `+limit+`, rate: 0.01, burst: 1, scope: cluster, on_redis_error: closed}]
`)
			web := "http://" + s.Gateway.Addr("web") + "/x"
			for n, want := range tt.want {
				if code, body := get(t, web); code != want {
					t.Errorf("request %d: %d %q, want %d", n+1, code, body, want)
				}
			}
			keys := redisDo(t, rs.Addr, password, "KEYS", "*"+limit+"*")
			if inUse := keys != "*0"; inUse != tt.inUse {
				t.Errorf("redis keys for %s: %q; bucket in redis %v, want %v", limit, keys, inUse, tt.inUse)
			}
		})
	}
}

// redisDo sends one command to the Redis at addr (after AUTH password, unless empty)
// in the protocol's inline form and returns the first line of the reply, without CRLF.
func redisDo(t *testing.T, addr, password string, args ...string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	send := func(args ...string) string {
		if _, err := fmt.Fprintf(conn, "%s\r\n", strings.Join(args, " ")); err != nil {
			t.Fatal(err)
		}
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("redis %s: %v", args[0], err)
		}
		return strings.TrimRight(line, "\r\n")
	}
	if password != "" {
		if got := send("AUTH", password); got != "+OK" {
			t.Fatalf("AUTH: %q", got)
		}
	}
	return send(args...)
}
