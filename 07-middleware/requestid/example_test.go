package requestid_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/requestid"
)

func Example() {
	h, err := requestid.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		requestid.Config{TrustInbound: true})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("X-Request-Id", "trace-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Header().Get("X-Request-Id"))
	// Output:
	// trace-42
}
