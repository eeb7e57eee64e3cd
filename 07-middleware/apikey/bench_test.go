package apikey_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/apikey"
	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/secret"
)

func BenchmarkAPIKey(b *testing.B) {
	key := secret.Generate()
	h, err := apikey.New(benchutil.OK, apikey.Config{Keys: []apikey.Key{{Name: "bench", Hash: secret.Hash(key)}}})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request {
		r.Header.Set("X-API-Key", key) // the middleware removes it on each pass
		return r
	}, 200)
}
