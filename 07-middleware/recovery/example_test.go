package recovery_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/recovery"
)

func Example() {
	h, err := recovery.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("nil map write in some handler")
	}), recovery.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 500 internal server error
}
