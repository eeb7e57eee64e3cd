package firstclass_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"gatewaylab/02-tcp-udp-http/firstclass"
)

// serve runs one request through h and returns the body.
func serve(h http.Handler, path string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Body.String()
}

// TestFunctionsBecomeHandlers: every kind of function value, adapted, is an
// http.Handler, and our adapter behaves exactly like net/http's.
func TestFunctionsBecomeHandlers(t *testing.T) {
	greeter := firstclass.Greeter{Greeting: "hi there"}
	tests := []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"plain function, our adapter", firstclass.HandlerFunc(firstclass.Hello), "hello from /x\n"},
		{"plain function, net/http's adapter", http.HandlerFunc(firstclass.Hello), "hello from /x\n"},
		{"method value, our adapter", firstclass.HandlerFunc(greeter.Greet), "hi there\n"},
		{"method value, net/http's adapter", http.HandlerFunc(greeter.Greet), "hi there\n"},
		{"function literal", firstclass.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte("literal\n"))
		}), "literal\n"},
		{"function stored in a variable", func() http.Handler {
			f := firstclass.Hello // a function value, not a call
			return firstclass.HandlerFunc(f)
		}(), "hello from /x\n"},
		{"closure", firstclass.Counter(), "call 1\n"},
		{"middleware around a function", firstclass.Chain(firstclass.HandlerFunc(firstclass.Hello), firstclass.Trace("mw")),
			"mw before\nhello from /x\nmw after\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serve(tt.handler, "/x"); got != tt.want {
				t.Errorf("body = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestCounterClosuresKeepTheirOwnState(t *testing.T) {
	a, b := firstclass.Counter(), firstclass.Counter()
	steps := []struct {
		name    string
		handler http.Handler
		want    string
	}{
		{"a first", a, "call 1\n"},
		{"a second", a, "call 2\n"},
		{"b has its own n", b, "call 1\n"},
		{"a third", a, "call 3\n"},
	}
	for _, s := range steps {
		if got := serve(s.handler, "/"); got != s.want {
			t.Errorf("%s: %q; want %q", s.name, got, s.want)
		}
	}
}

func TestChainOrder(t *testing.T) {
	tests := []struct {
		name string
		mws  []firstclass.Middleware
		want string
	}{
		{"no middleware", nil, "hello from /\n"},
		{"one", []firstclass.Middleware{firstclass.Trace("a")}, "a before\nhello from /\na after\n"},
		{"first is outermost", []firstclass.Middleware{firstclass.Trace("a"), firstclass.Trace("b")},
			"a before\nb before\nhello from /\nb after\na after\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := firstclass.Chain(firstclass.HandlerFunc(firstclass.Hello), tt.mws...)
			if got := serve(h, "/"); got != tt.want {
				t.Errorf("body = %q; want %q", got, tt.want)
			}
		})
	}
}
