package respwriter

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRecorder(t *testing.T) {
	tests := []struct {
		name       string
		handler    func(w http.ResponseWriter)
		wantStatus int
		wantBytes  int64
	}{
		{"nothing written", func(http.ResponseWriter) {}, 0, 0},
		{"implicit 200", func(w http.ResponseWriter) { _, _ = io.WriteString(w, "hello") }, 200, 5},
		{"explicit status", func(w http.ResponseWriter) { w.WriteHeader(503); _, _ = io.WriteString(w, "no") }, 503, 2},
		{"1xx not final", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(204) }, 204, 0},
		{"flush commits 200", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, 200, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := NewRecorder(httptest.NewRecorder())
			tt.handler(rec)
			if rec.Status() != tt.wantStatus || rec.Bytes() != tt.wantBytes {
				t.Errorf("status, bytes = %d, %d; want %d, %d", rec.Status(), rec.Bytes(), tt.wantStatus, tt.wantBytes)
			}
		})
	}
}

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
