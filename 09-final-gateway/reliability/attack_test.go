package reliability_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"gatewaylab/03-unpack/codec"
	"gatewaylab/03-unpack/framed"
	"gatewaylab/09-final-gateway/internal/proc"
	"gatewaylab/09-final-gateway/reliability/internal/backend"
)

// attackEnv is one gateway (testdata/attack.yaml.tmpl) and the backends behind it.
type attackEnv struct {
	gw         *proc.Gateway
	addr       attackAddrs
	public     *backend.HTTP
	secret     *backend.HTTP
	grpc       *backend.GRPC
	frames     *countingHandler
	rogue      *rogue
	secretSeen int // secret requests already accounted for
}

// attackAddrs fills the configuration template.
type attackAddrs struct {
	Admin, Web, Trusted, Strict, GRPC, Framed  string // the gateway's
	Public, Secret, GRPCBackend, FramedBackend string // the backends'
	Rogue                                      string // answers 101 to everything
}

// framedMax is the largest frame stage 03's server accepts in these tests.
const framedMax = 1024

// TestAttacks sends hostile input to one gateway, each attack in its own subtest. Each
// asserts what the client got (a clear 4xx, or a closed connection) and what reached
// the backends: "secret" must receive nothing that did not pass its route's checks.
func TestAttacks(t *testing.T) {
	t.Parallel()
	e := startAttackEnv(t)
	t.Run("smuggling", func(t *testing.T) { testSmuggling(t, e) })
	t.Run("h2c_upgrade", func(t *testing.T) { testH2CUpgrade(t, e) })
	t.Run("path_bypass", func(t *testing.T) { testPathBypass(t, e) })
	t.Run("host_bypass", func(t *testing.T) { testHostBypass(t, e) })
	t.Run("connection_header", func(t *testing.T) { testConnectionHeader(t, e) })
	t.Run("forwarded_for", func(t *testing.T) { testForwardedFor(t, e) })
	t.Run("oversize", func(t *testing.T) { testOversize(t, e) })
	t.Run("malformed", func(t *testing.T) { testMalformed(t, e) })
	t.Run("jwt", func(t *testing.T) { testMalformedJWT(t, e) })
	t.Run("grpc_frames", func(t *testing.T) { testGRPCFrames(t, e) })
	t.Run("codec_frames", func(t *testing.T) { testCodecFrames(t, e) })
	t.Run("slow_clients", func(t *testing.T) { testSlowClients(t, e) })
	t.Run("gateway_survived", func(t *testing.T) {
		if n := e.gw.LogCount("panic"); n > 0 {
			t.Errorf("the gateway logged %d panics", n)
		}
		wantStatus(t, get(t, e.addr.Web, "/still-alive", nil), 200)
	})
}

func startAttackEnv(t *testing.T) *attackEnv {
	t.Helper()
	e := &attackEnv{public: newHTTPBackend(t, "public"), secret: newHTTPBackend(t, "secret"),
		grpc: newGRPCBackend(t, "echo")}
	e.rogue = startRogue(t)
	a := attackAddrs{Public: e.public.Addr(), Secret: e.secret.Addr(), GRPCBackend: e.grpc.Addr, Rogue: e.rogue.addr}
	a.FramedBackend, e.frames = startFramed(t, framedMax)
	addrs := freeAddrs(t, 6)
	a.Admin, a.Web, a.Trusted, a.Strict, a.GRPC, a.Framed = addrs[0], addrs[1], addrs[2], addrs[3], addrs[4], addrs[5]
	e.addr = a
	e.gw, _ = startGateway(t, a.Admin, render(t, "attack.yaml.tmpl", a))
	return e
}

// secretUntouched fails the test if the secret backend received anything since the
// last call.
func (e *attackEnv) secretUntouched(t testing.TB, what string) {
	t.Helper()
	got := e.secret.Requests()
	if len(got) == e.secretSeen {
		return
	}
	fresh := got[e.secretSeen:]
	e.secretSeen = len(got)
	t.Errorf("%s: the secret backend received %d requests, the first %s %q", what, len(fresh), fresh[0].Method,
		fresh[0].RequestURI)
}

// token signs a JWT for the test gateway's key with the given audience, lasting ttl.
func token(t testing.TB, audience string, ttl time.Duration) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{"iss": "gatewaylab", "sub": "tester", "aud": audience,
		"iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = "rel"
	s, err := tok.SignedString([]byte(jwtSecret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// countingHandler is stage 03's echo handler, counting the frames it answered.
type countingHandler struct{ frames chan int }

func (h *countingHandler) ServeFrame(ctx context.Context, frame []byte) ([]byte, error) {
	select {
	case h.frames <- len(frame):
	default:
	}
	return frame, nil
}

// startFramed runs stage 03's framed server (length-prefixed frames up to limit bytes)
// on a free port, stopped when the test ends.
func startFramed(t *testing.T, limit int) (string, *countingHandler) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &countingHandler{frames: make(chan int, 100)}
	srv := &framed.Server{Codec: codec.NewLengthPrefixed(limit), Handler: h, ReadTimeout: time.Second,
		Logger: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, framed.ErrShutdownTimeout) {
			t.Errorf("framed server: %v", err)
		}
	})
	return ln.Addr().String(), h
}
