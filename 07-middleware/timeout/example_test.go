package timeout_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"gatewaylab/07-middleware/timeout"
)

func Example() {
	h, err := timeout.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a slow upstream; the deadline releases it
	}), timeout.Config{Timeout: 10 * time.Millisecond})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 504 gateway timeout
}
