package ratelimit_test

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"gatewaylab/07-middleware/ratelimit"
)

func TestLocalBucketRefills(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := ratelimit.NewLocal(ratelimit.LocalConfig{})
		p := ratelimit.Policy{Rate: 2, Burst: 3}
		for i := range 3 {
			d, err := l.Allow(t.Context(), "k", p)
			if err != nil || !d.Allowed || d.Remaining != 2-i {
				t.Fatalf("request %d: %+v, %v; want allowed with %d remaining", i, d, err, 2-i)
			}
		}
		d, _ := l.Allow(t.Context(), "k", p)
		if d.Allowed || d.RetryAfter != 500*time.Millisecond {
			t.Fatalf("4th request: %+v; want denied, RetryAfter 500ms", d)
		}
		time.Sleep(d.RetryAfter)
		if d, _ := l.Allow(t.Context(), "k", p); !d.Allowed {
			t.Fatalf("after RetryAfter: %+v; want allowed", d)
		}
		if d, _ := l.Allow(t.Context(), "other", p); !d.Allowed || d.Remaining != 2 {
			t.Fatalf("another key: %+v; want its own full bucket", d)
		}
	})
}

func TestLocalStoreIsBounded(t *testing.T) {
	l := ratelimit.NewLocal(ratelimit.LocalConfig{MaxKeys: 64})
	p := ratelimit.Policy{Rate: 1, Burst: 1}
	for i := range 10_000 {
		if _, err := l.Allow(t.Context(), fmt.Sprint("ip-", i), p); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.Len(); n > 64 {
		t.Errorf("Len = %d after 10000 keys; want <= 64", n)
	}
}

// TestLocalActiveBucketsSurviveNewKeys: idle eviction only drops full buckets, so a
// flood of new keys does not hand an exhausted key a fresh bucket while the store has room.
func TestLocalActiveBucketsSurviveNewKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := ratelimit.NewLocal(ratelimit.LocalConfig{})
		p := ratelimit.Policy{Rate: 1, Burst: 1}
		if d, _ := l.Allow(t.Context(), "a", p); !d.Allowed {
			t.Fatal("first request denied")
		}
		time.Sleep(p.Window() / 2)
		for i := range 1000 {
			_, _ = l.Allow(t.Context(), fmt.Sprint("b", i), p)
		}
		if d, _ := l.Allow(t.Context(), "a", p); d.Allowed {
			t.Fatal("exhausted key allowed again after new keys arrived; its bucket was wrongly dropped")
		}
	})
}

func TestLocalPolicyChangeTakesEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := ratelimit.NewLocal(ratelimit.LocalConfig{})
		_, _ = l.Allow(t.Context(), "k", ratelimit.Policy{Rate: 1, Burst: 1})
		d, _ := l.Allow(t.Context(), "k", ratelimit.Policy{Rate: 1, Burst: 5})
		if !d.Allowed || d.Limit != 5 {
			t.Errorf("after reload: %+v; want allowed under the new burst of 5", d)
		}
	})
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name string
		p    ratelimit.Policy
		ok   bool
	}{
		{"ok", ratelimit.Policy{Rate: 0.5, Burst: 1}, true},
		{"zero rate", ratelimit.Policy{Rate: 0, Burst: 1}, false},
		{"negative rate", ratelimit.Policy{Rate: -1, Burst: 1}, false},
		{"zero burst", ratelimit.Policy{Rate: 1, Burst: 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate(%+v) = %v; want ok=%v", tt.p, err, tt.ok)
			}
		})
	}
}
