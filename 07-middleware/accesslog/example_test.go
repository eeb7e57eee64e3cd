package accesslog_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"gatewaylab/07-middleware/accesslog"
)

func Example() {
	// A fixed clock and no time attribute keep the output stable for this example.
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	now := time.Unix(0, 0)
	h, err := accesslog.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accesslog.SetUpstream(r.Context(), "10.0.0.7:8080")
		w.WriteHeader(http.StatusNoContent)
	}), accesslog.Config{Logger: logger, Route: "users", Now: func() time.Time { now = now.Add(time.Millisecond); return now }})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/users/7", nil)
	r.RemoteAddr = "192.0.2.1:5555"
	h.ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// {"level":"INFO","msg":"request","method":"GET","path":"/users/7","status":204,"bytes":0,"duration":1000000,"client_ip":"192.0.2.1","request_id":"","route":"users","upstream":"10.0.0.7:8080"}
}
