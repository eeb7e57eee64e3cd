package shed_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/07-middleware/internal/benchutil"
	"gatewaylab/07-middleware/shed"
)

func BenchmarkShed(b *testing.B) {
	s, err := shed.NewShedder(shed.ShedderConfig{Capacity: 100})
	if err != nil {
		b.Fatal(err)
	}
	h, err := shed.New(benchutil.OK, shed.Config{Shedder: s, Priority: shed.Low})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	benchutil.Run(b, h, func() *http.Request { return r }, 200)
}
