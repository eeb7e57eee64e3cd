package headers_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"gatewaylab/07-middleware/headers"
)

func Example() {
	h, err := headers.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("upstream sees X-Gateway:", r.Header.Get("X-Gateway"))
		w.Header().Set("Server", "secret-version")
	}), headers.Config{
		Request:  headers.Rules{Set: map[string]string{"X-Gateway": "gatewaylab"}},
		Response: headers.Rules{Remove: []string{"Server"}},
	})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Printf("client sees Server: %q\n", rec.Header().Get("Server"))
	// Output:
	// upstream sees X-Gateway: gatewaylab
	// client sees Server: ""
}
