package flowcount_test

import (
	"fmt"
	"time"

	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/quota"
)

func ExampleStats_Snapshot() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	stats, err := flowcount.NewStats(flowcount.StatsConfig{
		Window:   2 * time.Second,
		Calendar: quota.Calendar{Location: time.UTC, Now: func() time.Time { return now }},
	})
	if err != nil {
		panic(err)
	}
	for range 6 {
		stats.Add("service:orders")
	}
	stats.Add("app:app_a")
	now = now.Add(time.Second) // the counted second is now complete
	for _, s := range stats.Snapshot() {
		fmt.Printf("%s total=%d today=%d qps=%.1f\n", s.Name, s.Total, s.Today, s.QPS)
	}
	// Output:
	// app:app_a total=1 today=1 qps=0.5
	// service:orders total=6 today=6 qps=3.0
}
