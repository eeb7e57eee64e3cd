package gateway_test

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"gatewaylab/04-proxy/tlsdev"
)

// jwtSecret is the HS256 key of the features gateway, handed over in E2E_JWT_SECRET:
// the configuration names the variable, never the secret.
const jwtSecret = "e2e-jwt-secret-that-is-long-enough-for-hs256"

// Secrets of the features gateway's apps and API key; the configuration holds only
// their hashes.
const (
	appFastSecret  = "fast-secret-0123456789"
	appSlowSecret  = "slow-secret-0123456789"
	appFarSecret   = "far-secret-0123456789"
	appOtherSecret = "other-secret-0123456789"
	apiKey         = "key-a-0123456789"
)

// featuresEnv is the features gateway and everything around it.
type featuresEnv struct {
	gw *gatewayProc

	// Listener addresses.
	Web, Trusted, Secure, GRPC, TCP, Admin string
	TCPGuarded, TCPIdle, TCPSmall          string
	GRPCGuarded, GRPCS                     string
	// The https listener's certificate, made by the test's CA.
	CertFile, KeyFile string
	ca                *tlsdev.CA

	// HTTP backends, by role.
	A, B, C, E1, E2, H1, H2, P1, P2, Fail, Flip, Live *httpBackend
	H2C, TLSUp                                        *httpBackend
	Dead, Dead2                                       string
	WS                                                *wsBackend
	G1, G2                                            string
	Echo                                              *tcpEcho

	// Secrets the configuration refers to by hash.
	Secrets map[string]string

	web, trusted *client
}

// hash is how the configuration stores a secret (what `gateway hash-secret` prints).
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// startFeatures starts every backend and one gateway that routes to all of them.
func startFeatures(t *testing.T) *featuresEnv {
	t.Helper()
	addrs := freeAddrs(t, 13)
	e := &featuresEnv{Web: addrs[0], Trusted: addrs[1], Secure: addrs[2], GRPC: addrs[3], TCP: addrs[4],
		Admin: addrs[5], TCPGuarded: addrs[6], TCPIdle: addrs[7], TCPSmall: addrs[8], GRPCGuarded: addrs[9],
		GRPCS: addrs[10], Dead: addrs[11], Dead2: addrs[12],
		Secrets: map[string]string{"key": apiKey, "fast": appFastSecret, "slow": appSlowSecret, "far": appFarSecret,
			"other": appOtherSecret}}
	for _, b := range []struct {
		p    **httpBackend
		name string
		mode backendMode
	}{
		{&e.A, "a", plainHTTP1}, {&e.B, "b", plainHTTP1}, {&e.C, "c", plainHTTP1},
		{&e.E1, "e1", plainHTTP1}, {&e.E2, "e2", plainHTTP1},
		{&e.H1, "h1", plainHTTP1}, {&e.H2, "h2", plainHTTP1},
		{&e.P1, "p1", plainHTTP1}, {&e.P2, "p2", plainHTTP1},
		{&e.Fail, "fail", plainHTTP1}, {&e.Flip, "flip", plainHTTP1}, {&e.Live, "live", plainHTTP1},
		{&e.H2C, "h2c", cleartextH2}, {&e.TLSUp, "tls", tlsH2},
	} {
		*b.p = newHTTPBackend(t, b.name, b.mode)
	}
	e.Fail.Status.Store(500)
	e.P1.Status.Store(500)
	e.WS = newWSBackend(t)
	e.G1, e.G2 = newGRPCBackend(t, "g1"), newGRPCBackend(t, "g2")
	e.Echo = newTCPEcho(t)
	e.listenerCert(t)

	dir := t.TempDir()
	path := writeConfig(t, dir, e.render(t))
	e.gw = startGateway(t, procOptions{Config: path, Admin: e.Admin, Env: []string{"E2E_JWT_SECRET=" + jwtSecret}})
	e.web, e.trusted = newClient(e.Web), newClient(e.Trusted)
	return e
}

// listenerCert makes the https listener's certificate with a CA the test trusts.
func (e *featuresEnv) listenerCert(t *testing.T) {
	t.Helper()
	ca, err := tlsdev.NewCA("e2e gateway CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	files, err := tlsdev.WriteFiles(t.TempDir(), ca, cert)
	if err != nil {
		t.Fatal(err)
	}
	e.ca, e.CertFile, e.KeyFile = ca, files.Cert, files.Key
}

func (e *featuresEnv) render(t *testing.T) string {
	t.Helper()
	tmpl, err := template.New("features").Funcs(template.FuncMap{"hash": hash}).
		ParseFiles(filepath.Join("testdata", "features.yaml.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "features.yaml.tmpl", e); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestFeatures runs one scenario per feature of the configuration against one gateway
// process. The scenarios run one after the other: some of them (load shedding, health
// checks) depend on the gateway being otherwise idle.
func TestFeatures(t *testing.T) {
	e := startFeatures(t)
	for _, s := range []struct {
		name string
		run  func(*testing.T, *featuresEnv)
	}{
		{"routing", testRouting},
		{"balancing", testBalancing},
		{"health", testHealth},
		{"retries", testRetries},
		{"transforms", testTransforms},
		{"limits", testLimits},
		{"degradation", testDegradation},
		{"shedding", testShedding},
		{"auth", testAuth},
		{"trusted_proxies", testTrustedProxies},
		{"protocols", testProtocols},
		{"admin", testAdmin},
	} {
		t.Run(s.name, func(t *testing.T) { s.run(t, e) })
	}
}
