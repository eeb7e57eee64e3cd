package balancer

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// PeakEWMA sends a request to the better of two randomly drawn targets, scoring each by
// its recent latency times its requests in flight, divided by its weight: the policy
// Finagle and Linkerd made known and Kong ("latency") and APISIX ("ewma") ship.
//
// The latency is a peak-sensitive moving average (EWMA, 指数加权移动平均): a response
// slower than the average replaces it at once, a faster one pulls it down gradually, and
// with no new responses it decays towards zero over Options.Decay. A target that turns
// slow is avoided immediately; a recovered one wins traffic back as its average decays.
// A failed request counts as at least Options.FailurePenalty, so a target that fails
// fast does not look fast. A target with no measurement yet is tried at once, one
// request at a time, so new targets get measured without being flooded.
type PeakEWMA struct {
	core core[weightedSet]
	cfg  *ewmaConfig
}

// NewPeakEWMA returns a PeakEWMA balancer with an empty target set. It uses
// opts.Decay, opts.FailurePenalty and opts.Now.
func NewPeakEWMA(opts Options) (*PeakEWMA, error) {
	cfg, err := opts.ewma()
	if err != nil {
		return nil, err
	}
	b := &PeakEWMA{cfg: cfg}
	shared := opts.tracking()
	shared.ewma = cfg
	b.core.init(shared, buildWeightedSet)
	return b, nil
}

// Pick returns the better scored of two random endpoints; key is ignored.
func (b *PeakEWMA) Pick(string) (*Endpoint, error) {
	s, err := b.core.load()
	if err != nil {
		return nil, err
	}
	now := b.cfg.elapsed()
	i := s.sample()
	if j := s.sampleOther(i); b.score(s, j, now) < b.score(s, i, now) {
		i = j
	}
	return s.eps[i].acquire(), nil
}

// unmeasuredBusy is the score of a target that has no latency yet but already has a
// request in flight: worse than any real score, so it waits for that first answer.
const unmeasuredBusy = float64(1 << 62)

// score is the expected cost of sending one more request to endpoint i: lower is better.
func (b *PeakEWMA) score(s *weightedSet, i int, now int64) float64 {
	ep := s.eps[i]
	inFlight := float64(ep.InFlight())
	cost := ep.latency.at(b.cfg, now)
	if cost == 0 && inFlight > 0 {
		return unmeasuredBusy + inFlight
	}
	return cost * (inFlight + 1) / float64(s.weights[i])
}

// Update replaces the target set. Targets that stay keep their latency average.
func (b *PeakEWMA) Update(targets []Target) error { return b.core.update(targets) }

var _ Balancer = (*PeakEWMA)(nil)

// ewmaConfig is shared by all endpoints of one PeakEWMA balancer.
type ewmaConfig struct {
	decay   time.Duration
	penalty time.Duration
	elapsed func() int64 // monotonic nanoseconds since the balancer was made
}

// latencyEWMA is one endpoint's peak-sensitive latency average, in nanoseconds.
// Readers use the atomics without locking; writers hold mu so that concurrent Done
// calls do not lose each other's observations. A reader may pair a new cost with the
// previous stamp for an instant; a score is a heuristic, and the next pick sees both.
type latencyEWMA struct {
	mu    sync.Mutex
	cost  atomic.Uint64 // math.Float64bits of the average at stamp
	stamp atomic.Int64  // ewmaConfig.elapsed at the last observation
}

// at returns the average decayed to now: what it would be if zero-latency responses had
// been arriving since the last real one.
func (l *latencyEWMA) at(c *ewmaConfig, now int64) float64 {
	cost := math.Float64frombits(l.cost.Load())
	return cost * l.decay(c, now)
}

// decay is the weight the average at stamp still carries at now.
func (l *latencyEWMA) decay(c *ewmaConfig, now int64) float64 {
	age := max(now-l.stamp.Load(), 0)
	return math.Exp(-float64(age) / float64(c.decay))
}

// observe folds one outcome into the average: a peak replaces it, anything else is
// blended in with the weight the elapsed time gives it.
func (l *latencyEWMA) observe(c *ewmaConfig, o Outcome) {
	rtt := float64(o.Latency)
	if o.Failed() {
		rtt = max(rtt, float64(c.penalty))
	}
	now := c.elapsed()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.decay(c, now)
	cost := math.Float64frombits(l.cost.Load()) * w
	if rtt > cost {
		cost = rtt
	} else {
		cost += rtt * (1 - w)
	}
	l.cost.Store(math.Float64bits(cost))
	l.stamp.Store(now)
}
