package etcdreg

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/internal/backoff"
	"gatewaylab/06-discovery/registry"
)

// errLeaseLost means the keepalive stream ended while the registration should still
// be alive: the lease expired (etcd unreachable for longer than the TTL) or was revoked
// by someone else.
var errLeaseLost = errors.New("lease lost")

// Register keeps inst under service with a lease of ttl (rounded up to whole seconds;
// etcd raises TTLs below its minimum, about 2 s with default settings) until ctx ends,
// then revokes the lease and returns. A lost lease or an unreachable etcd is retried
// with backoff, so the instance reappears when etcd does.
func (r *Registry) Register(ctx context.Context, service string, inst registry.Instance, ttl time.Duration) error {
	inst, err := registry.CheckRegistration(service, inst, ttl)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	value, err := registry.Encode(inst)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	key := r.Key(service, inst.Addr)
	seconds := int64(math.Ceil(ttl.Seconds()))
	var retry backoff.Backoff
	for {
		held, err := r.hold(ctx, key, string(value), seconds)
		if ctx.Err() != nil {
			return err // the revocation's outcome
		}
		if r.client.Ctx().Err() != nil {
			return fmt.Errorf("register %s: %w", key, ErrClientClosed)
		}
		if held {
			retry.Reset()
		}
		r.log.Warn("etcd registration lost; registering again", "key", key, "err", err)
		if !retry.Wait(ctx) {
			return nil // never re-registered, so there is nothing to revoke
		}
	}
}

// hold grants a lease, puts the key on it and keeps the lease alive until ctx ends
// (then revokes it and returns the revocation's error) or the lease is lost. held
// reports whether the key was stored, i.e. the registration worked for a while.
func (r *Registry) hold(ctx context.Context, key, value string, ttlSeconds int64) (held bool, err error) {
	lease, err := r.client.Grant(ctx, ttlSeconds)
	if err != nil {
		if ctx.Err() != nil {
			return false, nil // ended before anything was stored
		}
		return false, fmt.Errorf("grant lease for %s: %w", key, err)
	}
	// From here on, leaving because ctx ended means revoking, and reporting only that.
	if _, err := r.client.Put(ctx, key, value, clientv3.WithLease(lease.ID)); err != nil {
		return false, r.giveUp(ctx, lease.ID, fmt.Errorf("put %s: %w", key, err))
	}
	alive, err := r.client.KeepAlive(ctx, lease.ID)
	if err != nil {
		return true, r.giveUp(ctx, lease.ID, fmt.Errorf("keep lease of %s alive: %w", key, err))
	}
	for range alive { // one response per renewal; the channel closes when ctx ends or the lease is gone
	}
	if ctx.Err() != nil {
		return true, r.revoke(ctx, lease.ID)
	}
	return true, fmt.Errorf("%s: %w", key, errLeaseLost)
}

// giveUp revokes a lease after a step failed. If ctx ended (which is usually why the
// step failed), the failure is the normal end of the registration and only the
// revocation's outcome counts.
func (r *Registry) giveUp(ctx context.Context, id clientv3.LeaseID, stepErr error) error {
	revokeErr := r.revoke(ctx, id)
	if ctx.Err() != nil {
		return revokeErr
	}
	return errors.Join(stepErr, revokeErr)
}

// revoke ends a lease, deleting its key at once, with a context of its own: the one
// the registration ran under has usually just ended.
func (r *Registry) revoke(ctx context.Context, id clientv3.LeaseID) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.revokeTimeout)
	defer cancel()
	if _, err := r.client.Revoke(rctx, id); err != nil {
		return fmt.Errorf("revoke lease %x (it expires after its ttl): %w", int64(id), err)
	}
	return nil
}
