package outlier

import (
	"errors"
	"fmt"
	"time"
)

// Config configures a Detector. Zero fields take the defaults named with them.
type Config struct {
	// ConsecutiveFailures is the number of failed requests in a row that eject a
	// target; 0 means 5.
	ConsecutiveFailures int
	// BaseEjectionTime is how long the first ejection lasts; the n-th lasts n times as
	// long. 0 means 30 s.
	BaseEjectionTime time.Duration
	// MaxEjectionTime caps one ejection; 0 means 300 s. It must not be below
	// BaseEjectionTime.
	MaxEjectionTime time.Duration
	// MaxEjectionPercent is the largest share of the targets ejected at once, in
	// [1, 100]; 0 means 10. At least one target may always be ejected.
	MaxEjectionPercent int
	// DecayInterval is how long a target must stay in rotation to forget one past
	// ejection; 0 means BaseEjectionTime.
	DecayInterval time.Duration
	// OnChange, if set, is called after every ejection and return. An ejection is
	// reported from the request goroutine whose outcome caused it, so OnChange must be
	// fast (log, count a metric).
	OnChange func(Event)
}

// Defaults for the zero fields of Config (Envoy's defaults).
const (
	DefaultConsecutiveFailures = 5
	DefaultBaseEjectionTime    = 30 * time.Second
	DefaultMaxEjectionTime     = 300 * time.Second
	DefaultMaxEjectionPercent  = 10
)

// ErrInvalidConfig is wrapped by New when a Config field is out of range.
var ErrInvalidConfig = errors.New("invalid outlier detection config")

func (c Config) withDefaults() (Config, error) {
	if c.ConsecutiveFailures < 0 || c.BaseEjectionTime < 0 || c.MaxEjectionTime < 0 || c.DecayInterval < 0 {
		return c, fmt.Errorf("outlier: consecutive failures %d, base %v, max %v, decay %v: none may be negative: %w",
			c.ConsecutiveFailures, c.BaseEjectionTime, c.MaxEjectionTime, c.DecayInterval, ErrInvalidConfig)
	}
	if c.MaxEjectionPercent < 0 || c.MaxEjectionPercent > 100 {
		return c, fmt.Errorf("outlier: max ejection percent %d not in [0, 100]: %w", c.MaxEjectionPercent, ErrInvalidConfig)
	}
	if c.ConsecutiveFailures == 0 {
		c.ConsecutiveFailures = DefaultConsecutiveFailures
	}
	if c.BaseEjectionTime == 0 {
		c.BaseEjectionTime = DefaultBaseEjectionTime
	}
	if c.MaxEjectionTime == 0 {
		c.MaxEjectionTime = max(DefaultMaxEjectionTime, c.BaseEjectionTime)
	}
	if c.MaxEjectionTime < c.BaseEjectionTime {
		return c, fmt.Errorf("outlier: max ejection time %v is below the base %v: %w", c.MaxEjectionTime, c.BaseEjectionTime, ErrInvalidConfig)
	}
	if c.MaxEjectionPercent == 0 {
		c.MaxEjectionPercent = DefaultMaxEjectionPercent
	}
	if c.DecayInterval == 0 {
		c.DecayInterval = c.BaseEjectionTime
	}
	return c, nil
}

// maxEjected is how many of n targets may be ejected at once.
func (c Config) maxEjected(n int) int {
	return max(1, n*c.MaxEjectionPercent/100)
}

// ejectionTime is how long the n-th ejection lasts.
func (c Config) ejectionTime(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	if d := c.BaseEjectionTime * time.Duration(n); d/time.Duration(n) == c.BaseEjectionTime && d < c.MaxEjectionTime {
		return d
	}
	return c.MaxEjectionTime
}
