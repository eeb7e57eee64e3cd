package quota_test

import (
	"context"
	"fmt"
	"time"

	"gatewaylab/07-middleware/quota"
)

func ExampleLocal_Incr() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	q := quota.NewLocal(quota.Calendar{Location: time.UTC, Now: func() time.Time { return now }}, 0)
	const dailyQuota = 2
	for range 3 {
		n, err := q.Incr(context.Background(), "app_b")
		fmt.Println(n, n <= dailyQuota, err)
	}
	// Output:
	// 1 true <nil>
	// 2 true <nil>
	// 3 false <nil>
}
