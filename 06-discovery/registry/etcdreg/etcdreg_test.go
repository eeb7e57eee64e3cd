package etcdreg_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/etcdtest"
	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
	"gatewaylab/06-discovery/registry/registrytest"
)

var prefixes atomic.Int64

// quiet drops the registry's logs: the tests provoke the warnings on purpose.
var quiet = slog.New(slog.DiscardHandler)

// newRegistry returns a Registry on client under a prefix no other test uses, so that
// tests can share one etcd.
func newRegistry(t testing.TB, client *clientv3.Client) *etcdreg.Registry {
	t.Helper()
	r, err := etcdreg.New(etcdreg.Config{Client: client, Prefix: fmt.Sprintf("/test%d", prefixes.Add(1)), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameNamespace returns a Registry on another client (another "process") that shares
// r's prefix.
func sameNamespace(t testing.TB, r *etcdreg.Registry, client *clientv3.Client) *etcdreg.Registry {
	t.Helper()
	prefix := strings.TrimSuffix(r.ServicePrefix("x"), "/services/x/")
	other, err := etcdreg.New(etcdreg.Config{Client: client, Prefix: prefix, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return other
}

func TestContract(t *testing.T) {
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	registrytest.Run(t, func(t *testing.T) registry.Registry { return newRegistry(t, client) })
}

func TestKeyLayoutAndValue(t *testing.T) {
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	r, err := etcdreg.New(etcdreg.Config{Client: client, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	w := registrytest.Watch(t, r, "api")
	registrytest.Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:8080", Weight: 2, Metadata: map[string]string{"zone": "a"}})
	registrytest.WaitFor(t, w, "10.0.0.1:8080")

	resp, err := client.Get(t.Context(), "/gatewaylab/services/api/10.0.0.1:8080")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("Get = %v, %v; want the instance's key", resp, err)
	}
	kv := resp.Kvs[0]
	if want := `{"addr":"10.0.0.1:8080","weight":2,"metadata":{"zone":"a"}}`; string(kv.Value) != want {
		t.Errorf("value = %s, want %s", kv.Value, want)
	}
	if kv.Lease == 0 {
		t.Error("the key is not attached to a lease: it would outlive its backend")
	}
}

// TestThreeBackendsCrashAndEtcdRestart is the stage's acceptance scenario: three
// backends register;
// one crashes; etcd restarts; one more registers and one deregisters. The watcher must
// follow all of it, never showing a duplicate.
func TestThreeBackendsCrashAndEtcdRestart(t *testing.T) {
	etcd := etcdtest.Start(t)
	watcherReg := newRegistry(t, etcd.Client(t))
	watch := registrytest.Watch(t, watcherReg, "api")
	registrytest.WaitFor(t, watch)

	// Each backend has its own client, as separate processes would.
	backend := func(c *clientv3.Client, addr string) *registrytest.Registration {
		return registrytest.Start(t, sameNamespace(t, watcherReg, c), "api", registry.Instance{Addr: addr})
	}
	clients := []*clientv3.Client{etcd.Client(t), etcd.Client(t), etcd.Client(t)}
	start := time.Now()
	a := backend(clients[0], "10.0.0.1:80")
	backend(clients[1], "10.0.0.2:80")
	crashed := backend(clients[2], "10.0.0.3:80")
	registrytest.WaitFor(t, watch, "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80")
	if d := time.Since(start); d > time.Second {
		t.Errorf("the watcher saw all three after %v, want within 1s", d)
	}

	// A crash: the process's connection dies, no revoke is sent. The lease runs out.
	crashedAt := time.Now()
	if err := clients[2].Close(); err != nil {
		t.Fatal(err)
	}
	registrytest.WaitFor(t, watch, "10.0.0.1:80", "10.0.0.2:80")
	if d, limit := time.Since(crashedAt), registrytest.TTL+time.Second; d > limit {
		t.Errorf("the crashed backend was gone after %v, want within ttl + 1s = %v", d, limit)
	}
	if err := crashed.Result(t); !errors.Is(err, etcdreg.ErrClientClosed) {
		t.Errorf("the crashed backend's Register returned %v, want ErrClientClosed", err)
	}

	etcd.Restart()
	backend(etcd.Client(t), "10.0.0.4:80")
	a.Stop(t) // a graceful stop after the restart: revoke must work on the reconnected client
	registrytest.WaitFor(t, watch, "10.0.0.2:80", "10.0.0.4:80")

	// The keepalives must have survived the restart: after two TTLs nothing expired.
	stable := time.NewTimer(2 * registrytest.TTL)
	defer stable.Stop()
	for done := false; !done; {
		select {
		case set := <-watch:
			t.Fatalf("the set changed to %v after converging", registry.Addrs(set))
		case <-stable.C:
			done = true
		}
	}
	listed, err := watcherReg.List(t.Context(), "api")
	if err != nil || strings.Join(registry.Addrs(listed), " ") != "10.0.0.2:80 10.0.0.4:80" {
		t.Errorf("List = %v, %v; want the watched set", registry.Addrs(listed), err)
	}
}

func TestWatchRelistsAfterCompaction(t *testing.T) {
	etcd := etcdtest.Start(t)
	direct := etcd.Client(t)
	link := etcd.NewLink(t)
	writer := newRegistry(t, direct)
	logs := &logRecorder{}
	watcher, err := etcdreg.New(etcdreg.Config{
		Client: etcdtest.NewClient(t, link.Endpoints()),
		Prefix: strings.TrimSuffix(writer.ServicePrefix("x"), "/services/x/"),
		Logger: slog.New(logs),
	})
	if err != nil {
		t.Fatal(err)
	}
	watch := registrytest.Watch(t, watcher, "api")
	registrytest.Start(t, writer, "api", registry.Instance{Addr: "10.0.0.1:80"})
	registrytest.WaitFor(t, watch, "10.0.0.1:80")

	link.Cut() // the watcher is cut off while history it has not seen is written and compacted
	registrytest.Start(t, writer, "api", registry.Instance{Addr: "10.0.0.2:80"})
	gone := registrytest.Start(t, writer, "api", registry.Instance{Addr: "10.0.0.3:80"})
	waitListed(t, writer, 3)
	gone.Stop(t)
	waitListed(t, writer, 2)
	resp, err := direct.Get(t.Context(), "/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Compact(t.Context(), resp.Header.Revision); err != nil {
		t.Fatal(err)
	}
	link.Restore()
	registrytest.WaitFor(t, watch, "10.0.0.1:80", "10.0.0.2:80")
	if !logs.sawRelist() {
		t.Error("the watcher converged without relisting: the compaction was not exercised")
	}
}

// logRecorder is a slog.Handler that remembers whether the watcher logged a relist.
type logRecorder struct {
	relisted atomic.Bool
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) sawRelist() bool                          { return l.relisted.Load() }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "relist" && a.Value.Bool() {
			l.relisted.Store(true)
		}
		return true
	})
	return nil
}

func waitListed(t *testing.T, r registry.Registry, n int) {
	t.Helper()
	w := registrytest.Watch(t, r, "api")
	for set := range w {
		if len(set) == n {
			return
		}
	}
}

func TestRegisterComesBackAfterLeaseLoss(t *testing.T) {
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	r := newRegistry(t, client)
	watch := registrytest.Watch(t, r, "api")
	registrytest.Start(t, r, "api", registry.Instance{Addr: "10.0.0.1:80"})
	registrytest.WaitFor(t, watch, "10.0.0.1:80")

	resp, err := client.Get(t.Context(), r.Key("api", "10.0.0.1:80"))
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("Get = %v, %v", resp, err)
	}
	if _, err := client.Revoke(t.Context(), clientv3.LeaseID(resp.Kvs[0].Lease)); err != nil {
		t.Fatal(err)
	}
	registrytest.WaitFor(t, watch)                // the revoke deleted the key
	registrytest.WaitFor(t, watch, "10.0.0.1:80") // and Register put it back on a new lease
}

func TestWatchSkipsEntriesThatDoNotDecode(t *testing.T) {
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	r := newRegistry(t, client)
	watch := registrytest.Watch(t, r, "api")
	for key, value := range map[string]string{
		r.Key("api", "10.0.0.1:80"): `{"addr":"10.0.0.1:80"}`, // written by hand: weight defaults to 1
		r.Key("api", "garbage"):     `not json`,
		r.Key("api", "noport"):      `{"addr":"10.0.0.9"}`,
	} {
		if _, err := client.Put(t.Context(), key, value); err != nil {
			t.Fatal(err)
		}
	}
	got := registrytest.WaitFor(t, watch, "10.0.0.1:80")
	if got[0].Weight != 1 {
		t.Errorf("weight = %d, want the default 1", got[0].Weight)
	}
	listed, err := r.List(t.Context(), "api")
	if err != nil || len(listed) != 1 {
		t.Errorf("List = %v, %v; want only the valid entry", registry.Addrs(listed), err)
	}
}

func TestRegisterReturnsWhenClientCloses(t *testing.T) {
	etcd := etcdtest.Start(t)
	client := etcd.Client(t)
	r := newRegistry(t, client)
	done := make(chan error, 1)
	go func() {
		done <- r.Register(t.Context(), "api", registry.Instance{Addr: "10.0.0.1:80"}, registrytest.TTL)
	}()
	registrytest.WaitFor(t, registrytest.Watch(t, r, "api"), "10.0.0.1:80")
	if err := client.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, etcdreg.ErrClientClosed) {
			t.Errorf("Register = %v, want ErrClientClosed", err)
		}
	case <-time.After(registrytest.Timeout):
		t.Fatal("Register still running after its client closed")
	}
}

func TestNewRejectsBadPrefix(t *testing.T) {
	client := etcdtest.NewClient(t, []string{"http://127.0.0.1:1"}) // never dialled
	for _, p := range []string{"gatewaylab", "/gatewaylab/"} {
		if _, err := etcdreg.New(etcdreg.Config{Client: client, Prefix: p}); err == nil {
			t.Errorf("New accepted prefix %q", p)
		}
	}
	if _, err := etcdreg.New(etcdreg.Config{}); err == nil {
		t.Error("New accepted a config without a client")
	}
}
