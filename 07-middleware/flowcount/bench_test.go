package flowcount_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/flowcount"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkFlowCount(b *testing.B) {
	s := newStats(b, flowcount.StatsConfig{})
	h, err := flowcount.New(benchutil.OK, flowcount.Config{Stats: s, Names: []flowcount.NameFunc{flowcount.Constant("total"), flowcount.Service("orders")}})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}

func BenchmarkStatsAddParallel(b *testing.B) {
	s := newStats(b, flowcount.StatsConfig{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s.Add("service:orders")
		}
	})
}
