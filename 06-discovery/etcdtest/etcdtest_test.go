package etcdtest_test

import (
	"context"
	"testing"
	"time"

	"gatewaylab/06-discovery/etcdtest"
)

func TestLinkCutAndRestore(t *testing.T) {
	etcd := etcdtest.Start(t)
	link := etcd.NewLink(t)
	c := etcdtest.NewClient(t, link.Endpoints())
	if _, err := c.Put(t.Context(), "k", "1"); err != nil {
		t.Fatalf("Put through the link: %v", err)
	}

	link.Cut()
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, "k"); err == nil {
		t.Fatal("Get succeeded through a cut link")
	}
	if _, err := etcd.Client(t).Put(t.Context(), "k", "2"); err != nil {
		t.Fatalf("direct Put while the link is cut: %v", err)
	}

	link.Restore()
	resp, err := c.Get(t.Context(), "k")
	if err != nil || string(resp.Kvs[0].Value) != "2" {
		t.Fatalf("Get after Restore = %v, %v; want k=2", resp, err)
	}
}

func TestRestartKeepsData(t *testing.T) {
	etcd := etcdtest.Start(t)
	c := etcd.Client(t)
	if _, err := c.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	etcd.Restart()
	resp, err := c.Get(t.Context(), "k")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("Get after Restart = %v, %v", resp, err)
	}
}
