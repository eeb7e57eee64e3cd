package config

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestDefaultIsValid(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if f.Config.Admin.Listen != "127.0.0.1:9901" || len(f.Config.Routes) == 0 {
		t.Errorf("default config looks wrong: %+v", f.Config.Admin)
	}
}

// minimal is a valid configuration the error cases start from.
const minimal = `
listeners:
  - name: web
    protocol: http
    listen: 127.0.0.1:8080
services:
  - name: api
    targets:
      - addr: 127.0.0.1:9001
routes:
  - name: api
    path_prefix: /api
    service: api
`

func TestMinimalGetsDefaults(t *testing.T) {
	f, err := Parse("gateway.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Config
	if c.Listeners[0].Timeouts.ReadHeader.D() != DefaultReadHeader || c.Listeners[0].MaxHeaderBytes != DefaultMaxHeaderBytes {
		t.Errorf("listener defaults not applied: %+v", c.Listeners[0])
	}
	if c.Services[0].Targets[0].Weight != 1 || c.Services[0].Balancer.Policy != "round_robin" {
		t.Errorf("service defaults not applied: %+v", c.Services[0])
	}
	if c.Routes[0].Middleware == nil || c.Routes[0].Middleware.BodyLimit != DefaultBodyLimit {
		t.Errorf("route middleware defaults not applied")
	}
}

func TestErrorsNameFileLineAndField(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "syntax",
			yaml: "listeners:\n  - name: web\n    protocol: [http\n",
			want: []string{"gateway.yaml:2: did not find expected ',' or ']'"},
		},
		{
			name: "unknown field",
			yaml: strings.Replace(minimal, "    listen: 127.0.0.1:8080", "    listen: 127.0.0.1:8080\n    lisen: x", 1),
			want: []string{"gateway.yaml:6: field lisen not found in type Listener"},
		},
		{
			name: "bad duration",
			yaml: strings.Replace(minimal, "    listen: 127.0.0.1:8080", "    listen: 127.0.0.1:8080\n    timeouts:\n      idle: 5", 1),
			want: []string{`gateway.yaml:7: `, `"5" is not a duration`},
		},
		{
			name: "several at once",
			yaml: strings.NewReplacer(
				"protocol: http", "protocol: htp",
				"addr: 127.0.0.1:9001", "addr: nowhere",
				"service: api\n", "service: apu\n",
			).Replace(minimal),
			want: []string{
				`gateway.yaml:4: listeners[0].protocol: "htp" is not one of http, https, tcp, grpc`,
				`gateway.yaml:9: services[0].targets[0].addr: "nowhere" is not host:port`,
				`gateway.yaml:13: routes[0].service: no service named "apu"`,
			},
		},
		{
			name: "non-canonical path",
			yaml: strings.Replace(minimal, "path_prefix: /api", "path_prefix: /api/../admin", 1),
			want: []string{`gateway.yaml:12: routes[0].path_prefix: "/api/../admin" is not canonical (did you mean "/admin"?)`},
		},
		{
			name: "cluster scope without redis",
			yaml: minimal + "    middleware:\n      rate_limits:\n        - rate: 10\n          scope: cluster\n",
			want: []string{`gateway.yaml:17: routes[0].middleware.rate_limits[0].scope: cluster scope needs cluster.redis`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("gateway.yaml", []byte(tt.yaml))
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want *Errors", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s", err, w)
				}
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	f, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("marshalled", out)
	if err != nil {
		t.Fatalf("marshalled config does not parse: %v\n%s", err, out)
	}
	if len(again.Config.Routes) != len(f.Config.Routes) || again.Config.Services[0].Health.Active.Interval != f.Config.Services[0].Health.Active.Interval {
		t.Error("round trip lost settings")
	}
}

// TestAdminUsers: admin.users must hold bcrypt hashes of cost 10 or more under unique
// names; the errors say where, and how to make a good hash.
func TestAdminUsers(t *testing.T) {
	good := mustBcrypt(t, 10)
	weak := mustBcrypt(t, 9)
	users := func(entries ...string) string {
		return "admin:\n  users:\n" + strings.Join(entries, "") + minimal
	}
	user := func(name, hash string) string {
		return "    - name: " + name + "\n      password_hash: \"" + hash + "\"\n"
	}
	t.Run("valid", func(t *testing.T) {
		f, err := Parse("gateway.yaml", []byte(users(user("alice", good), user("bob@example.com", good))))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Config.Admin.Users; len(got) != 2 || got[1].Name != "bob@example.com" || got[0].PasswordHash != good {
			t.Errorf("users = %+v", got)
		}
	})
	tests := []struct {
		name, yaml string
		want       string
	}{
		{"sha256 instead of bcrypt", users(user("alice", "sha256:"+strings.Repeat("ab", 32))),
			`gateway.yaml:4: admin.users[0].password_hash: not a bcrypt hash`},
		{"plain text password", users(user("alice", "hunter2")),
			`gateway.yaml:4: admin.users[0].password_hash: not a bcrypt hash`},
		{"low cost", users(user("alice", weak)),
			`gateway.yaml:4: admin.users[0].password_hash: bcrypt cost is below 10: it is 9 (make one with: gateway hash-password)`},
		{"duplicate name", users(user("alice", good), user("alice", good)),
			`gateway.yaml:5: admin.users[1].name: user "alice" is defined twice`},
		{"bad name", users(user("'al ice'", good)),
			`gateway.yaml:3: admin.users[0].name: "al ice": want 1-64 of`},
		{"no hash", "admin:\n  users:\n    - name: alice\n" + minimal,
			`gateway.yaml:3: admin.users[0].password_hash: not a bcrypt hash`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("gateway.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			if strings.Contains(tt.want, "password_hash") && !strings.Contains(err.Error(), "(make one with: gateway hash-password)") {
				t.Errorf("error %v does not say how to make a hash", err)
			}
		})
	}
}

// mustBcrypt returns a bcrypt hash of cost (low costs keep -race runs quick).
func mustBcrypt(tb testing.TB, cost int) string {
	tb.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), cost)
	if err != nil {
		tb.Fatal(err)
	}
	return string(h)
}

// A file that is not UTF-8 (here UTF-16 with a byte order mark, as some editors save)
// is refused on the line of its first invalid byte, with what to do about it.
func TestNotUTF8(t *testing.T) {
	_, err := Parse("utf16.yaml", []byte("listeners: []\n\xfe\xff\x00a\x00:"))
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.List) != 1 || errs.List[0].Line != 2 || !strings.Contains(errs.List[0].Msg, "not UTF-8") {
		t.Fatalf("got %v", err)
	}
}
