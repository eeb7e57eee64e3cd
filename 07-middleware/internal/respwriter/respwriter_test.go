package respwriter

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestInterceptor(t *testing.T) {
	tests := []struct {
		name            string
		handler         func(w http.ResponseWriter)
		wantIntercepted bool
		wantStatus      int // what reached the real writer
		wantBody        string
		wantHeader      string
	}{
		{
			name: "success passes through with headers",
			handler: func(w http.ResponseWriter) {
				w.Header().Set("X-From", "handler")
				_, _ = io.WriteString(w, "ok")
			},
			wantStatus: 200, wantBody: "ok", wantHeader: "handler",
		},
		{
			name: "failure swallowed with its headers",
			handler: func(w http.ResponseWriter) {
				w.Header().Set("X-From", "handler")
				w.WriteHeader(502)
				_, _ = io.WriteString(w, "bad gateway")
			},
			wantIntercepted: true, wantStatus: 0,
		},
		{
			name:       "silent handler finishes as 200",
			handler:    func(http.ResponseWriter) {},
			wantStatus: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real := httptest.NewRecorder()
			var status int
			real.Code = 0
			ic := NewInterceptor(real, func(code int) bool { return code >= 500 })
			tt.handler(ic)
			ic.Finish()
			if real.Code != 0 {
				status = real.Code
			}
			if ic.Intercepted() != tt.wantIntercepted || status != tt.wantStatus {
				t.Fatalf("intercepted, status = %v, %d; want %v, %d", ic.Intercepted(), status, tt.wantIntercepted, tt.wantStatus)
			}
			if got := real.Body.String(); got != tt.wantBody {
				t.Errorf("body = %q; want %q", got, tt.wantBody)
			}
			if got := real.Header().Get("X-From"); got != tt.wantHeader {
				t.Errorf("X-From = %q; want %q", got, tt.wantHeader)
			}
		})
	}
}
