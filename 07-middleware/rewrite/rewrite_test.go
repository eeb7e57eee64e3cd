package rewrite_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"gatewaylab/07-middleware/internal/testhttp"
	"gatewaylab/07-middleware/rewrite"
)

func TestRewrite(t *testing.T) {
	srv := testhttp.Serve(t, testhttp.Build(t, rewrite.New, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.Path+"?"+r.URL.RawQuery+" from "+r.Header.Get(rewrite.OriginalPathHeader))
	}), rewrite.Config{Rules: []rewrite.Rule{
		{Match: `^/test_http_service/abb/(.*)`, Replace: "/test_http_service/bba/$1"}, // the course's seed rule
		{Match: `^/v1/(?P<rest>.*)`, Replace: "/api/${rest}"},
		{Match: `^/old$`, Replace: "new"},           // no leading slash: one is added
		{Match: `^/api/(.*)`, Replace: "/never/$1"}, // only the first match applies
	}}))
	tests := []struct{ path, want string }{
		{"/test_http_service/abb/x/y?q=1", "/test_http_service/bba/x/y?q=1 from /test_http_service/abb/x/y"},
		{"/v1/users", "/api/users? from /v1/users"},
		{"/old", "/new? from /old"},
		{"/untouched", "/untouched? from "},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			b := testhttp.Get(t, srv.URL+tt.path, nil).Body
			if b != tt.want {
				t.Errorf("GET %s: upstream saw %q; want %q", tt.path, b, tt.want)
			}
		})
	}
}

func TestInvalidRegexIsAConfigError(t *testing.T) {
	_, err := rewrite.New(http.NotFoundHandler(), rewrite.Config{Rules: []rewrite.Rule{{Match: "^/ok"}, {Match: "^/(unclosed"}}})
	if err == nil || !strings.Contains(err.Error(), "Rules[1].Match") {
		t.Errorf("New error = %v; want it to name Rules[1].Match", err)
	}
}
