package httpserver

import (
	"fmt"
	"net/http"
	"time"
)

// MaxSlowDelay caps /slow's delay, so the route cannot be used to park
// requests for longer than the server's write timeout.
const MaxSlowDelay = 20 * time.Second

// Routes returns the demo server's routes:
//
//	GET /hello?name=NAME   a greeting
//	GET /slow?d=DURATION   answers after DURATION (at most MaxSlowDelay); the
//	                       course's /bye was /slow?d=1s
//	GET /healthz           "ok", for load balancers and health checks
//	GET /{$}               the list of routes
func Routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", index)
	mux.HandleFunc("GET /hello", hello)
	mux.HandleFunc("GET /slow", slow)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return mux
}

func index(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprint(w, "routes:\n  GET /hello?name=NAME\n  GET /slow?d=DURATION\n  GET /healthz\n")
}

func hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "gateway learner"
	}
	fmt.Fprintf(w, "hello, %s\n", name)
}

// slow waits, but gives up as soon as the client does: r.Context() is
// canceled when the client disconnects, so no goroutine sleeps for nobody.
func slow(w http.ResponseWriter, r *http.Request) {
	d, err := time.ParseDuration(r.URL.Query().Get("d"))
	if err != nil || d < 0 || d > MaxSlowDelay {
		http.Error(w, fmt.Sprintf("d must be a duration from 0s to %v, like d=2s", MaxSlowDelay), http.StatusBadRequest)
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		fmt.Fprintf(w, "slept %v\n", d)
	case <-r.Context().Done():
		// The client is gone; there is nobody to answer.
	}
}
