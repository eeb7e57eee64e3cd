package chain_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gatewaylab/07-middleware/chain"
)

// tag appends name to the X-Order response header on the way in.
func tag(name string) chain.Constructor {
	return chain.Wrap(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-Order", name)
			next.ServeHTTP(w, r)
		})
	})
}

func order(t *testing.T, c chain.Chain) string {
	t.Helper()
	h, err := c.Then(http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	return strings.Join(rec.Header().Values("X-Order"), ",")
}

func TestAppendDoesNotChangeTheBase(t *testing.T) {
	base := chain.New(tag("a"))
	x := base.Append(tag("x"))
	y := base.Append(tag("y"))
	tests := []struct {
		name string
		c    chain.Chain
		want string
	}{
		{"base", base, "a"},
		{"x", x, "a,x"},
		{"y", y, "a,y"},
		{"empty", chain.Chain{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := order(t, tt.c); got != tt.want {
				t.Errorf("order = %q; want %q", got, tt.want)
			}
		})
	}
}

type cfg struct{ fail bool }

func newLayer(next http.Handler, c cfg) (http.Handler, error) {
	if c.fail {
		return nil, errors.New("bad config")
	}
	return next, nil
}

func TestThenReportsTheFailingLayer(t *testing.T) {
	_, err := chain.New(chain.Use(newLayer, cfg{}), chain.Use(newLayer, cfg{fail: true})).Then(http.NotFoundHandler())
	if err == nil || !strings.Contains(err.Error(), "chain layer 1: bad config") {
		t.Errorf("Then error = %v; want it to name layer 1", err)
	}
}
