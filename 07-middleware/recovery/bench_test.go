package recovery_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/recovery"
)

func BenchmarkRecovery(b *testing.B) {
	h, err := recovery.New(benchutil.OK, recovery.Config{})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
