package hopbyhop

import (
	"net/http"
	"slices"
	"testing"
)

func TestRemove(t *testing.T) {
	tests := []struct {
		name string
		in   http.Header
		want []string // header names that must remain
	}{
		{
			name: "fixed list",
			in: http.Header{
				"Connection": {"keep-alive"}, "Keep-Alive": {"timeout=5"}, "Proxy-Connection": {"keep-alive"},
				"Proxy-Authorization": {"Basic x"}, "Te": {"gzip"}, "Trailer": {"X-T"},
				"Transfer-Encoding": {"chunked"}, "Upgrade": {"websocket"}, "Proxy-Authenticate": {"Basic"},
				"Accept": {"*/*"},
			},
			want: []string{"Accept"},
		},
		{
			name: "connection tokens first",
			in: http.Header{
				"Connection": {"X-Secret, close", " x-other "}, "X-Secret": {"1"}, "X-Other": {"2"},
				"Authorization": {"Bearer t"},
			},
			want: []string{"Authorization"},
		},
		{
			name: "empty tokens ignored",
			in:   http.Header{"Connection": {" , ,"}, "X-Keep": {"1"}},
			want: []string{"X-Keep"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Remove(tt.in)
			var got []string
			for k := range tt.in {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("remaining headers = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemoveFromRequestKeepsTETrailers(t *testing.T) {
	tests := []struct {
		te   []string
		want string
	}{
		{[]string{"trailers"}, "trailers"},
		{[]string{"gzip, Trailers"}, "trailers"},
		{[]string{"gzip"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		h := http.Header{"Te": tt.te, "Connection": {"te"}}
		RemoveFromRequest(h)
		if got := h.Get("Te"); got != tt.want {
			t.Errorf("TE %q: kept %q, want %q", tt.te, got, tt.want)
		}
	}
}

func TestUpgradeType(t *testing.T) {
	tests := []struct {
		h    http.Header
		want string
	}{
		{http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}}, "websocket"},
		{http.Header{"Connection": {"keep-alive, upgrade"}, "Upgrade": {"h2c"}}, "h2c"},
		{http.Header{"Upgrade": {"websocket"}}, ""},
		{http.Header{"Connection": {"close"}}, ""},
	}
	for _, tt := range tests {
		if got := UpgradeType(tt.h); got != tt.want {
			t.Errorf("UpgradeType(%v) = %q, want %q", tt.h, got, tt.want)
		}
	}
}
