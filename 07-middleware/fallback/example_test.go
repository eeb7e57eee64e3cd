package fallback_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/fallback"
)

// The upstream fails; the client gets the default answer, marked as degraded.
func Example() {
	failing := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
	})
	h, err := fallback.New(failing, fallback.Config{
		Fallback: fallback.Static{Body: []byte(`{"items":[],"note":"showing defaults"}`)},
	})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/recommendations", nil))
	fmt.Println(rec.Code, rec.Header().Get("X-Gateway-Degraded"), rec.Header().Get("X-Gateway-Fallback"))
	fmt.Println(rec.Body.String())
	// Output:
	// 200 upstream-503 static
	// {"items":[],"note":"showing defaults"}
}
