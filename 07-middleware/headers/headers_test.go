package headers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaylab/07-middleware/headers"
	"gatewaylab/07-middleware/internal/testhttp"
)

func TestRequestAndResponseRules(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "internal-build-4711")
		w.Header().Set("X-Powered-By", "php")
		_ = json.NewEncoder(w).Encode(map[string]any{"host": r.Host, "headers": r.Header})
	}))
	t.Cleanup(upstream.Close)
	gw := testhttp.Serve(t, testhttp.Build(t, headers.New, proxyTo(upstream.URL), headers.Config{
		Request: headers.Rules{
			Remove: []string{"x-debug"},
			Set:    map[string]string{"X-Env": "prod, eu-west", "Host": "orders.internal"},
			Add:    map[string]string{"X-Tag": "gateway"},
		},
		Response: headers.Rules{
			Remove: []string{"Server", "X-Powered-By"},
			Set:    map[string]string{"Strict-Transport-Security": "max-age=63072000"},
		},
	}))
	resp := testhttp.Get(t, gw.URL, http.Header{"X-Debug": {"1"}, "X-Env": {"dev"}, "X-Tag": {"client"}})
	var seen struct {
		Host    string
		Headers http.Header
	}
	if err := json.Unmarshal([]byte(resp.Body), &seen); err != nil {
		t.Fatal(err)
	}
	if seen.Host != "orders.internal" || seen.Headers.Get("X-Debug") != "" || seen.Headers.Get("X-Env") != "prod, eu-west" ||
		strings.Join(seen.Headers.Values("X-Tag"), ",") != "client,gateway" {
		t.Errorf("upstream saw host %q headers %v", seen.Host, seen.Headers)
	}
	if resp.Header.Get("Server") != "" || resp.Header.Get("X-Powered-By") != "" || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("client got headers %v", resp.Header)
	}
}

func TestInvalidRulesAreConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  headers.Config
		want string
	}{
		{"CRLF in value", headers.Config{Request: headers.Rules{Set: map[string]string{"X-A": "v\r\nX-Injected: 1"}}}, "Request.Set"},
		{"space in name", headers.Config{Response: headers.Rules{Add: map[string]string{"X A": "v"}}}, "Response.Add"},
		{"empty name", headers.Config{Request: headers.Rules{Remove: []string{""}}}, "Request.Remove"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := headers.New(http.NotFoundHandler(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v; want it to mention %s", err, tt.want)
			}
		})
	}
}
