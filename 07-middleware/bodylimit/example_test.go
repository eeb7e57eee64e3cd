package bodylimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"gatewaylab/07-middleware/bodylimit"
)

func Example() {
	h, err := bodylimit.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), bodylimit.Config{MaxBytes: 1 << 10})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/upload", strings.NewReader(strings.Repeat("x", 2<<10))))
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 413 request body larger than 1024 bytes
}
