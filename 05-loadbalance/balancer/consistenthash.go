package balancer

// ConsistentHash maps each key to a target on a hash ring with virtual nodes
// (一致性哈希), so a client keeps its target for as long as the target stays in the
// set, and a change of the set moves only a small share of keys: adding an n+1st target
// moves about 1/(n+1) of them, all to the new target; removing one moves only its own.
// Weights are honoured by giving heavier targets more virtual nodes.
//
// One hot key can still overload its target; BoundedLoadHash caps that.
type ConsistentHash struct {
	core core[ring]
}

// NewConsistentHash returns a ConsistentHash balancer with an empty target set. It
// uses opts.Replicas.
func NewConsistentHash(opts Options) (*ConsistentHash, error) {
	replicas, err := opts.replicas()
	if err != nil {
		return nil, err
	}
	b := &ConsistentHash{}
	b.core.init(opts.tracking(), buildRing(replicas))
	return b, nil
}

// Pick returns the endpoint that owns key on the ring; an empty key gets a random one.
func (b *ConsistentHash) Pick(key string) (*Endpoint, error) {
	r, err := b.core.load()
	if err != nil {
		return nil, err
	}
	return r.eps[r.owners[r.locate(key)]].acquire(), nil
}

// Update replaces the target set and rebuilds the ring.
func (b *ConsistentHash) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*ConsistentHash)(nil)
