package cluster

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"gatewaylab/06-discovery/etcdtest"
	"gatewaylab/09-final-gateway/config"
)

func shared(name string) Shared {
	return Shared{Services: []config.Service{{Name: name, Targets: []config.Target{{Addr: "127.0.0.1:1", Weight: 1}}}}}
}

func next(t *testing.T, ch <-chan Update) Update {
	t.Helper()
	select {
	case u, ok := <-ch:
		if !ok {
			t.Fatal("watch closed")
		}
		return u
	case <-time.After(10 * time.Second):
		t.Fatal("no update within 10s")
		return Update{}
	}
}

func TestPutGetCompareAndSwap(t *testing.T) {
	etcd := etcdtest.Start(t)
	s := NewStore(etcd.Client(t), "/test", nil)
	ctx := t.Context()
	if _, _, ok, err := s.Get(ctx); err != nil || ok {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}
	rev, err := s.Put(ctx, shared("a"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, shared("b"), 0); !errors.Is(err, ErrConflict) {
		t.Fatalf("create over an existing key = %v, want ErrConflict", err)
	}
	rev2, err := s.Put(ctx, shared("c"), rev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, shared("lost"), rev); !errors.Is(err, ErrConflict) {
		t.Fatalf("write with a stale revision = %v, want ErrConflict (lost update)", err)
	}
	got, gotRev, ok, err := s.Get(ctx)
	if err != nil || !ok || gotRev != rev2 || got.Services[0].Name != "c" {
		t.Fatalf("Get = %+v rev %d ok %v err %v", got, gotRev, ok, err)
	}
}

func TestWatchSurvivesEtcdRestart(t *testing.T) {
	etcd := etcdtest.Start(t)
	s := NewStore(etcd.Client(t), "/test", nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rev, err := s.Put(ctx, shared("a"), 0)
	if err != nil {
		t.Fatal(err)
	}
	var up atomic.Bool
	ch := s.Watch(ctx, rev, up.Store)
	if _, err := s.Put(ctx, shared("b"), rev); err != nil {
		t.Fatal(err)
	}
	if u := next(t, ch); u.Shared.Services[0].Name != "b" {
		t.Fatalf("got %+v", u)
	}
	etcd.Stop()
	etcd.Restart()
	writer := NewStore(etcdtest.NewClient(t, etcd.Endpoints()), "/test", nil)
	_, cur, _, err := writer.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Put(ctx, shared("after-restart"), cur); err != nil {
		t.Fatal(err)
	}
	if u := next(t, ch); u.Shared.Services[0].Name != "after-restart" {
		t.Fatalf("after the restart got %+v", u)
	}
	if !up.Load() {
		t.Error("dependency still reported down after the watch resumed")
	}
}

func TestSplitMerge(t *testing.T) {
	f, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	sh := Split(f.Config)
	sh.Routes = sh.Routes[:1]
	merged := Merge(f.Config, sh)
	if len(merged.Routes) != 1 || len(merged.Listeners) != len(f.Config.Listeners) {
		t.Errorf("merge kept %d routes and %d listeners", len(merged.Routes), len(merged.Listeners))
	}
	if len(f.Config.Routes) == 1 {
		t.Error("Merge changed its input")
	}
}
