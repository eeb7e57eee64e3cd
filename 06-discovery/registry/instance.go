package registry

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"time"

	"gatewaylab/05-loadbalance/balancer"
)

// Instance is one running copy of a service, as stored in the registry (JSON in etcd).
type Instance struct {
	// Addr is "host:port", the address the gateway proxies to. It identifies the
	// instance within its service.
	Addr string `json:"addr"`
	// Weight is the instance's share of traffic relative to the others, in
	// [1, balancer.MaxWeight]. 0 means DefaultWeight: unlike a gateway's own config
	// (where 05-loadbalance rejects a forgotten weight), registry entries are written
	// by many hands, and one written with etcdctl often has none.
	Weight int `json:"weight,omitempty"`
	// Metadata is free-form (version, zone, protocol); the gateway passes it through.
	Metadata map[string]string `json:"metadata,omitempty"`
}

// DefaultWeight is the weight of an instance registered without one.
const DefaultWeight = 1

// Limits that keep one bad registration from bloating every watcher's memory.
const (
	maxServiceLen   = 128
	maxMetadataKeys = 64
	maxMetadataLen  = 1024 // per key and per value
)

// Normalize checks inst and fills its defaults. Every implementation calls it before
// storing an instance and after reading one. The result has its own copy of Metadata,
// so the caller may keep changing the map it passed in.
func Normalize(inst Instance) (Instance, error) {
	inst.Metadata = maps.Clone(inst.Metadata)
	if err := checkAddr(inst.Addr); err != nil {
		return inst, err
	}
	if inst.Weight == 0 {
		inst.Weight = DefaultWeight
	}
	if inst.Weight < 1 || inst.Weight > balancer.MaxWeight {
		return inst, fmt.Errorf("instance %s: weight %d not in [1, %d]: %w", inst.Addr, inst.Weight, balancer.MaxWeight, ErrInvalidInstance)
	}
	if len(inst.Metadata) > maxMetadataKeys {
		return inst, fmt.Errorf("instance %s: %d metadata keys, at most %d: %w", inst.Addr, len(inst.Metadata), maxMetadataKeys, ErrInvalidInstance)
	}
	for k, v := range inst.Metadata {
		if k == "" || len(k) > maxMetadataLen || len(v) > maxMetadataLen {
			return inst, fmt.Errorf("instance %s: metadata key %.32q: empty or longer than %d: %w", inst.Addr, k, maxMetadataLen, ErrInvalidInstance)
		}
	}
	return inst, nil
}

// checkAddr accepts "host:port" with a non-empty host without slashes and a port in
// [1, 65535]; the address becomes a key component, so it must not contain "/".
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("instance address %q: %w: %w", addr, err, ErrInvalidInstance)
	}
	p, err := strconv.Atoi(port)
	if host == "" || err != nil || p < 1 || p > 65535 || slices.Contains([]byte(addr), '/') {
		return fmt.Errorf("instance address %q: want host:port: %w", addr, ErrInvalidInstance)
	}
	return nil
}

// CheckService accepts names of 1 to 128 characters from [A-Za-z0-9._-]: they are
// path components in etcd keys and must not contain "/".
func CheckService(name string) error {
	if name == "" || len(name) > maxServiceLen {
		return fmt.Errorf("service %.32q: want 1 to %d characters: %w", name, maxServiceLen, ErrInvalidService)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("service %q: character %q not in [A-Za-z0-9._-]: %w", name, c, ErrInvalidService)
		}
	}
	return nil
}

// CheckRegistration validates the arguments of Register and returns the normalized
// instance.
func CheckRegistration(service string, inst Instance, ttl time.Duration) (Instance, error) {
	if err := CheckService(service); err != nil {
		return inst, err
	}
	if ttl <= 0 {
		return inst, fmt.Errorf("ttl %v: must be positive: %w", ttl, ErrInvalidTTL)
	}
	return Normalize(inst)
}

// Sorted returns the instances sorted by address with duplicate addresses removed (the
// first one wins), as every List and Watch result must be.
func Sorted(insts []Instance) []Instance {
	out := slices.Clone(insts)
	slices.SortStableFunc(out, func(a, b Instance) int { return cmp.Compare(a.Addr, b.Addr) })
	return slices.CompactFunc(out, func(a, b Instance) bool { return a.Addr == b.Addr })
}

// Equal reports whether two sets are the same, instance by instance.
func Equal(a, b []Instance) bool {
	return slices.EqualFunc(a, b, func(x, y Instance) bool {
		return x.Addr == y.Addr && x.Weight == y.Weight && maps.Equal(x.Metadata, y.Metadata)
	})
}

// Clone copies a set deeply (metadata maps included), so that a receiver may modify it.
func Clone(insts []Instance) []Instance {
	if insts == nil {
		return nil
	}
	out := make([]Instance, len(insts))
	for i, in := range insts {
		in.Metadata = maps.Clone(in.Metadata)
		out[i] = in
	}
	return out
}

// Addrs returns the addresses of insts, in order.
func Addrs(insts []Instance) []string {
	out := make([]string, len(insts))
	for i, in := range insts {
		out[i] = in.Addr
	}
	return out
}
