package accesslog_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/accesslog"
	"gatewaylab/07-middleware/internal/benchutil"
)

func BenchmarkAccessLogJSON(b *testing.B) {
	h, err := accesslog.New(benchutil.OK, accesslog.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Route: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/orders/42", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
