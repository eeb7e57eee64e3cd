package reply

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRetryAfterRoundsUp(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "1"}, {time.Millisecond, "1"}, {time.Second, "1"}, {1001 * time.Millisecond, "2"}, {90 * time.Second, "90"},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			h := http.Header{}
			RetryAfter(h, tt.in)
			if got := h.Get("Retry-After"); got != tt.want {
				t.Errorf("RetryAfter(%v) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestError(t *testing.T) {
	rec := httptest.NewRecorder()
	Error(rec, http.StatusTooManyRequests, "rate limit exceeded")
	if rec.Code != 429 || rec.Body.String() != "rate limit exceeded\n" {
		t.Errorf("got %d %q", rec.Code, rec.Body.String())
	}
}
