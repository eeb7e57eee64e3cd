package etcdreg

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/internal/backoff"
	"gatewaylab/06-discovery/internal/broadcast"
	"gatewaylab/06-discovery/registry"
)

// errWatchClosed means the watch channel closed without an error: the client lost
// its leader (WithRequireLeader) or is closing.
var errWatchClosed = errors.New("watch closed")

// List returns the service's instances, sorted by address. Entries that do not decode
// are skipped and logged.
func (r *Registry) List(ctx context.Context, service string) ([]registry.Instance, error) {
	if err := registry.CheckService(service); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	set, _, err := r.list(ctx, r.ServicePrefix(service))
	if err != nil {
		return nil, err
	}
	return set.sorted(), nil
}

// Watch returns the service's instance sets until ctx ends or the client is closed.
func (r *Registry) Watch(ctx context.Context, service string) (<-chan []registry.Instance, error) {
	if err := registry.CheckService(service); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &watcher{r: r, prefix: r.ServicePrefix(service), out: make(chan []registry.Instance, 1)}
	set, rev, err := r.list(ctx, w.prefix)
	if err != nil {
		return nil, err
	}
	w.set = set
	w.publish()
	go w.run(ctx, rev)
	return w.out, nil
}

// instanceSet is a service's instances by key suffix (the instance id).
type instanceSet map[string]registry.Instance

func (s instanceSet) sorted() []registry.Instance {
	insts := make([]registry.Instance, 0, len(s))
	for _, in := range s {
		insts = append(insts, in)
	}
	return registry.Sorted(insts)
}

// list reads every instance under prefix and the store revision of that read.
func (r *Registry) list(ctx context.Context, prefix string) (instanceSet, int64, error) {
	resp, err := r.client.Get(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", prefix, err)
	}
	set := make(instanceSet, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		id := string(kv.Key[len(prefix):])
		if inst, err := registry.Decode(kv.Value); err != nil {
			r.log.Warn("etcd registry: skipping an entry that does not decode", "key", string(kv.Key), "err", err)
		} else {
			set[id] = inst
		}
	}
	return set, resp.Header.Revision, nil
}

// watcher follows one service prefix and publishes complete sets to out. Only its run
// goroutine touches set and last after Watch has returned.
type watcher struct {
	r      *Registry
	prefix string
	out    chan []registry.Instance
	set    instanceSet
	last   []registry.Instance
	sent   bool
}

// run follows the prefix from revision rev+1 until ctx ends or the client closes, then
// closes out. After a compaction it lists again at once; other failures are retried
// with backoff.
func (w *watcher) run(ctx context.Context, rev int64) {
	defer close(w.out)
	var retry backoff.Backoff
	needList := false
	for {
		var err error
		if needList {
			if rev, err = w.relist(ctx, rev); err == nil {
				needList = false
				continue
			}
		} else {
			var next int64
			next, err = w.follow(ctx, rev)
			if next > rev {
				retry.Reset()
			}
			rev = next
			if needList = errors.Is(err, rpctypes.ErrCompacted); needList {
				w.r.log.Info("etcd registry: history compacted past the watch; listing again",
					"prefix", w.prefix, "revision", rev, "relist", true)
				continue
			}
		}
		if ctx.Err() != nil || w.r.client.Ctx().Err() != nil {
			return
		}
		w.r.log.Warn("etcd registry watch interrupted; retrying", "prefix", w.prefix, "revision", rev, "err", err)
		if !retry.Wait(ctx) {
			return
		}
	}
}

// follow applies the events after revision rev and returns the revision of the last
// one applied, with the error that ended the watch.
func (w *watcher) follow(ctx context.Context, rev int64) (int64, error) {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel() // ends the server-side watch when we give up on this one
	events := w.r.client.Watch(wctx, w.prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	for resp := range events {
		if err := resp.Err(); err != nil {
			return rev, fmt.Errorf("watch %s from revision %d: %w", w.prefix, rev+1, err)
		}
		if resp.IsProgressNotify() { // everything up to this revision has been sent
			rev = max(rev, resp.Header.Revision)
			continue
		}
		for _, ev := range resp.Events {
			w.apply(ev)
			rev = ev.Kv.ModRevision
		}
		w.publish()
	}
	return rev, fmt.Errorf("watch %s from revision %d: %w", w.prefix, rev+1, errWatchClosed)
}

// relist replaces the whole set after the history the watcher needed was compacted,
// and returns the revision to follow from (rev again if the list failed).
func (w *watcher) relist(ctx context.Context, rev int64) (int64, error) {
	set, fresh, err := w.r.list(ctx, w.prefix)
	if err != nil {
		return rev, err
	}
	w.set = set
	w.publish()
	return fresh, nil
}

func (w *watcher) apply(ev *clientv3.Event) {
	id := string(ev.Kv.Key[len(w.prefix):])
	if ev.Type == clientv3.EventTypeDelete {
		delete(w.set, id)
		return
	}
	inst, err := registry.Decode(ev.Kv.Value)
	if err != nil {
		w.r.log.Warn("etcd registry: ignoring an entry that does not decode", "key", string(ev.Kv.Key), "err", err)
		delete(w.set, id) // whatever was there before has been overwritten
		return
	}
	w.set[id] = inst
}

// publish hands the set to the consumer if it differs from the last one sent.
func (w *watcher) publish() {
	set := w.set.sorted()
	if w.sent && registry.Equal(set, w.last) {
		return
	}
	w.last, w.sent = set, true
	broadcast.Replace(w.out, registry.Clone(set))
}
